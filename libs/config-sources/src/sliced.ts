/** Longest a sliced task runs before it gives the event loop a turn (xDS, health checks, signals). */
const SLICE_MS = 10;

/** Resolves on the next turn of the event loop, after pending I/O. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs a generator of small steps, giving the event loop a turn whenever `SLICE_MS` passed, so a
 * large input never blocks serving for long.
 */
export async function runSliced<R>(steps: Generator<void, R>): Promise<R> {
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStart >= SLICE_MS) {
      await nextTurn();
      sliceStart = performance.now();
    }
  }
}

