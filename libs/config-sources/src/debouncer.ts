/** Settings of a debouncer (istiod's PILOT_DEBOUNCE_AFTER and PILOT_DEBOUNCE_MAX, Contour's holdoff). */
export interface DebouncerOptions<T> {
  /** Quiet time: a release waits until no change arrived for this long. */
  readonly quietMs: number;
  /** Upper bound: a release happens at the latest this long after the first pending change. */
  readonly maxDelayMs: number;
  /** Combines the pending change with a new one (e.g. the union of two key sets). */
  readonly merge: (pending: T, next: T) => T;
  /**
   * Receives the merged changes and how long they waited (from the first of them, ms). A new release
   * starts only after the previous one settled.
   */
  readonly release: (merged: T, waitedMs: number) => void | Promise<void>;
  /** Called when `release` throws or rejects; the debouncer keeps running. */
  readonly onError?: (error: unknown) => void;
}

/** Collects changes and releases them in batches; see {@link createDebouncer}. */
export interface Debouncer<T> {
  /** Adds a change: starts the timer, or extends the quiet period of the running one. */
  push(change: T): void;
  /** True while changes are waiting for a release (not counting one in flight). */
  pending(): boolean;
  /** Drops pending changes, clears the timer and waits for a release in flight to settle. */
  stop(): Promise<void>;
}

/**
 * Creates a debouncer the way istiod debounces config events: the first change starts a timer, every
 * further change within `quietMs` of quiet extends it, and it fires at the latest `maxDelayMs` after
 * the first change. Changes are merged with `merge`. While a release is in flight, new changes wait
 * and are released (merged) once it settles, so releases never overlap.
 */
export function createDebouncer<T>(options: DebouncerOptions<T>): Debouncer<T> {
  const { quietMs, maxDelayMs, merge, release } = options;
  let pendingChange: { value: T } | undefined;
  let firstAt = 0;
  let lastAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let stopped = false;

  const dueAt = (): number => Math.min(lastAt + quietMs, firstAt + maxDelayMs);

  // NOTE: the timer is not reset on every change (a burst of thousands of events would churn timers);
  // when it fires early it re-arms itself for the remaining time, as istiod's debounce loop does.
  function arm(): void {
    if (stopped || timer !== undefined || inFlight !== undefined || pendingChange === undefined) return;
    timer = setTimeout(fire, Math.max(0, dueAt() - Date.now()));
  }

  function fire(): void {
    timer = undefined;
    if (pendingChange === undefined || inFlight !== undefined) return;
    if (Date.now() < dueAt()) {
      arm();
      return;
    }
    const { value } = pendingChange;
    pendingChange = undefined;
    inFlight = runRelease(value, Date.now() - firstAt).finally(() => {
      inFlight = undefined;
      arm();
    });
  }

  async function runRelease(value: T, waitedMs: number): Promise<void> {
    try {
      await release(value, waitedMs);
    } catch (error) {
      options.onError?.(error);
    }
  }

  return {
    push(change) {
      if (stopped) return;
      const now = Date.now();
      if (pendingChange === undefined) {
        pendingChange = { value: change };
        firstAt = now;
      } else {
        pendingChange.value = merge(pendingChange.value, change);
      }
      lastAt = now;
      arm();
    },
    pending: () => pendingChange !== undefined,
    async stop() {
      stopped = true;
      pendingChange = undefined;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
  };
}
