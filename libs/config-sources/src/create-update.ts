import { createConfigSnapshot, type ConfigObject, type ConfigProblem } from '@minipilot/config';
import type { ConfigSourceUpdate } from './config-source.js';

/** Builds a frozen update from the served objects (already one per key), the problems and the changed keys. */
export function createUpdate(objects: ReadonlyMap<string, ConfigObject>, problems: readonly ConfigProblem[], changedKeys: ReadonlySet<string>, debounceMs?: number): ConfigSourceUpdate {
  return Object.freeze({
    snapshot: createConfigSnapshot(objects.values()),
    problems: Object.freeze([...problems]),
    changedKeys,
    ...(debounceMs !== undefined ? { debounceMs } : {}),
  });
}
