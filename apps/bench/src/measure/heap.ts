/** Runs a full GC when the process was started with `--expose-gc`; returns whether it could. */
export function collectGarbage(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return false;
  gc();
  gc();
  return true;
}

/**
 * Returns the median heap growth (bytes) across `runs` calls of `op`, each started after a full GC
 * and measured while its result is still referenced (so the number is what one op allocates and keeps
 * alive until it returns, minus any garbage collected meanwhile). Undefined without `--expose-gc`.
 */
export function heapGrowthPerOp(op: () => unknown, runs: number): number | undefined {
  const growth: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (!collectGarbage()) return undefined;
    const before = process.memoryUsage().heapUsed;
    const result = op();
    growth.push(process.memoryUsage().heapUsed - before);
    void result;
  }
  growth.sort((a, b) => a - b);
  return growth[Math.floor(growth.length / 2)];
}

/** Returns the process's resident set size in bytes after a GC (when available). */
export function settledRss(): number {
  collectGarbage();
  return process.memoryUsage().rss;
}
