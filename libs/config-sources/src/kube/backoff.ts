/** The default cap of {@link createBackoff} (see {@link BackoffOptions.maxMs} for where it comes from). */
export const DEFAULT_MAX_BACKOFF_MS = 5_000;

/** Settings of {@link createBackoff}. */
export interface BackoffOptions {
  /** First delay (before jitter); default 1 s. */
  readonly initialMs?: number;
  /**
   * Largest delay (before jitter); default 5 s. client-go's reflector backs off up to 30 s, but our
   * /ready follows the watches: with a 30 s cap (45 s jittered) readiness lagged the API server's
   * return by up to one cap, several of kubelet's 10 s readiness-probe periods. 5 s (7.5 s jittered)
   * keeps the lag under one probe period; a connected watch also makes the others retry at once.
   */
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
  const max = Math.max(initial, options.maxMs ?? DEFAULT_MAX_BACKOFF_MS);
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
