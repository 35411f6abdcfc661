import { createConfigSnapshot, configKey, type ConfigObject } from '@minipilot/config';
import type { ConfigSource, ConfigSourceUpdate } from '@minipilot/config-sources';

/** A config source the bench changes directly (the store write of a push measurement). */
export interface MutableSource extends ConfigSource {
  /**
   * Replaces the object with the same key and notifies listeners synchronously (no debounce), so
   * the call returns once the server has rebuilt its push context and regenerated every view.
   */
  replace(next: ConfigObject): void;
}

/** Creates a {@link MutableSource} serving `objects` (one per config key). */
export function createMutableSource(objects: readonly ConfigObject[]): MutableSource {
  const byKey = new Map(objects.map((o) => [configKey(o), o]));
  const listeners = new Set<(u: ConfigSourceUpdate) => void>();
  const makeUpdate = (changed: ReadonlySet<string>): ConfigSourceUpdate =>
    Object.freeze({ snapshot: createConfigSnapshot(byKey.values()), problems: [], changedKeys: changed });
  let current: ConfigSourceUpdate | undefined;
  return {
    start() {
      current = makeUpdate(new Set(byKey.keys()));
      return Promise.resolve(current);
    },
    onUpdate(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    current: () => current,
    stop() {
      listeners.clear();
      return Promise.resolve();
    },
    replace(next) {
      const key = configKey(next);
      if (!byKey.has(key)) throw new Error(`MutableSource.replace: ${key} is not served`);
      byKey.set(key, next);
      current = makeUpdate(new Set([key]));
      for (const l of [...listeners]) l(current);
    },
  };
}
