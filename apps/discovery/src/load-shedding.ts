import * as v8 from 'node:v8';

/** Limits past which new xDS streams are refused (see {@link createLoadShedder}). */
export interface LoadLimits {
  /** Refuse new streams while this many are open (0: no limit). */
  readonly maxStreams: number;
  /** Refuse new streams while the V8 heap in use is above this fraction of its limit (0 < f ≤ 1). */
  readonly maxHeapFraction: number;
}

/** Defaults: 10,000 streams; 85% of the heap limit, so the process sheds load well before V8 runs out. */
export const DEFAULT_LOAD_LIMITS: LoadLimits = { maxStreams: 10_000, maxHeapFraction: 0.85 };

/**
 * The xDS server's admission check: returns why a new stream must be refused (UNAVAILABLE; Envoy
 * and gRPC clients retry with backoff, possibly to another replica), or undefined. The heap is read
 * at most every 100 ms (cheap, but streams can arrive by the thousand).
 */
export function createLoadShedder(limits: LoadLimits, openStreams: () => number): () => string | undefined {
  let checkedAt = 0;
  let heapReason: string | undefined;
  return () => {
    if (limits.maxStreams > 0 && openStreams() >= limits.maxStreams) return `${openStreams()} streams open, the limit is ${limits.maxStreams} (--max-streams)`;
    const now = Date.now();
    if (now - checkedAt >= 100) {
      checkedAt = now;
      const h = v8.getHeapStatistics();
      const used = h.used_heap_size / h.heap_size_limit;
      heapReason = used > limits.maxHeapFraction
        ? `heap at ${Math.round(used * 100)}% of its ${Math.round(h.heap_size_limit / 2 ** 20)} MiB limit, above ${Math.round(limits.maxHeapFraction * 100)}% (--max-heap-fraction)`
        : undefined;
    }
    return heapReason;
  };
}
