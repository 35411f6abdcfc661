/** Settings of {@link createBackoff}. */
export interface BackoffOptions {
  /** First delay (before jitter); default 1 s. */
  readonly initialMs?: number;
  /** Largest delay (before jitter); default 30 s, as client-go's reflector. */
  readonly maxMs?: number;
  /** Source of randomness in [0, 1); default Math.random. */
  readonly random?: () => number;
}

/** Exponential backoff with jitter; see {@link createBackoff}. */
export interface Backoff {
  /** Returns the next delay and doubles the base for the one after. */
  next(): number;
  /** Starts over from the initial delay (after a success). */
  reset(): void;
}

/**
 * Creates an exponential backoff whose delays double from `initialMs` up to `maxMs`, each scaled by a
 * random factor in [0.5, 1.5) so many watchers restarting at once do not hit the API server together.
 */
export function createBackoff(options: BackoffOptions = {}): Backoff {
  const initial = options.initialMs ?? 1_000;
  const max = Math.max(initial, options.maxMs ?? 30_000);
  const random = options.random ?? Math.random;
  let base = initial;
  return {
    next() {
      const delay = Math.round(base * (0.5 + random()));
      base = Math.min(base * 2, max);
      return delay;
    },
    reset() {
      base = initial;
    },
  };
}
