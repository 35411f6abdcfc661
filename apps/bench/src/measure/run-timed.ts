/** How long and how often a measurement loop runs. */
export interface LoopBudget {
  /** Untimed runs first (JIT warm-up). */
  readonly warmup: number;
  /** Stop after this many timed runs... */
  readonly maxIterations: number;
  /** ...or once this much time was spent on timed runs, */
  readonly maxMs: number;
  /** ...but never before this many. */
  readonly minIterations: number;
}

/**
 * Runs `step` `budget.warmup` times untimed, then repeatedly within the budget, and returns what each
 * timed run returned. `step` times its own phases (so one run can report several timers).
 */
export function runTimed<T>(budget: LoopBudget, step: (iteration: number) => T): T[] {
  for (let i = 0; i < budget.warmup; i++) step(i);
  const out: T[] = [];
  const start = performance.now();
  while (out.length < budget.maxIterations && (out.length < budget.minIterations || performance.now() - start < budget.maxMs)) {
    out.push(step(budget.warmup + out.length));
  }
  return out;
}

/** Returns the time `fn` takes in ms and its result. */
export function timed<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}
