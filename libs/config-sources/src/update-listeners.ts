import type { ConfigSourceUpdate } from './config-source.js';
import type { Logger } from './logger.js';

/** The subscribers of a config source: `add` returns an unsubscribe function, `emit` isolates failures. */
export interface UpdateListeners {
  add(listener: (update: ConfigSourceUpdate) => void): () => void;
  /** Calls every listener with `update`; a listener that throws is logged and the others still run. */
  emit(update: ConfigSourceUpdate): void;
  clear(): void;
}

/** Creates the listener set shared by the file and Kubernetes sources. */
export function createUpdateListeners(logger: Logger): UpdateListeners {
  const listeners = new Set<(update: ConfigSourceUpdate) => void>();
  return {
    add(listener) {
      const own = (update: ConfigSourceUpdate): void => listener(update);
      listeners.add(own);
      return () => void listeners.delete(own);
    },
    emit(update) {
      for (const listener of [...listeners]) {
        try {
          listener(update);
        } catch (err) {
          logger.error({ err }, 'config update listener failed');
        }
      }
    },
    clear: () => listeners.clear(),
  };
}
