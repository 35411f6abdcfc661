/** A bounded set of strings already seen, for logging a repeated message once. */
export interface OnceSet {
  /** True the first time `key` is added (and it is remembered), false when it was already there. */
  add(key: string): boolean;
}

/**
 * Creates a {@link OnceSet} remembering at most `max` keys; past that the oldest are forgotten (and
 * may be reported again), so a long-running server's memory stays bounded.
 */
export function createOnceSet(max: number): OnceSet {
  const seen = new Set<string>();
  return {
    add(key) {
      if (seen.has(key)) return false;
      seen.add(key);
      if (seen.size > max) seen.delete(seen.values().next().value!);
      return true;
    },
  };
}
