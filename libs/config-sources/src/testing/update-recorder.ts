import type { ConfigSource, ConfigSourceUpdate } from '../config-source.js';

/** Records a source's updates and lets a test wait for them (with timeouts, never exact durations). */
export interface UpdateRecorder {
  readonly updates: readonly ConfigSourceUpdate[];
  /** Resolves with the next update not yet taken; rejects after `timeoutMs`. */
  next(timeoutMs?: number): Promise<ConfigSourceUpdate>;
  /** Waits `ms` and fails if an update not yet taken arrived. */
  expectNone(ms: number): Promise<void>;
}

/** Starts recording the updates of `source`. */
export function recordUpdates(source: ConfigSource): UpdateRecorder {
  const updates: ConfigSourceUpdate[] = [];
  let taken = 0;
  let wake: (() => void) | undefined;
  source.onUpdate((u) => {
    updates.push(u);
    wake?.();
  });
  return {
    updates,
    async next(timeoutMs = 5_000) {
      if (taken >= updates.length) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve, reject) => {
          wake = resolve;
          timer = setTimeout(() => reject(new Error(`no config update within ${timeoutMs} ms`)), timeoutMs);
        }).finally(() => {
          clearTimeout(timer);
          wake = undefined;
        });
      }
      return updates[taken++]!;
    },
    async expectNone(ms) {
      await sleep(ms);
      if (updates.length > taken) throw new Error(`unexpected update: changed ${[...updates[taken]!.changedKeys].join(', ')}`);
    },
  };
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns true; rejects after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}
