import type { ConfigProblem, ConfigSnapshot } from '@minipilot/config';

/** What a config source serves at one moment, and what changed since the update before it. */
export interface ConfigSourceUpdate {
  /** Every object currently served. */
  readonly snapshot: ConfigSnapshot;
  /** All current problems, errors and warnings, in file order. */
  readonly problems: readonly ConfigProblem[];
  /** `configKey()`s added, changed or removed since the previous update (every key in the first one). */
  readonly changedKeys: ReadonlySet<string>;
  /** How long the change waited in the debouncer, from its first event to its release (istiod's pilot_debounce_time). */
  readonly debounceMs?: number;
}

/**
 * A stream of config: a fixed set, a watched YAML directory, or Kubernetes informers.
 * Consumers call `start()` once, build from the update it resolves with, then follow `onUpdate`.
 */
export interface ConfigSource {
  /** Loads everything once and resolves with the first update (readiness is this promise resolving). */
  start(): Promise<ConfigSourceUpdate>;
  /**
   * Registers a listener for each debounced change, after start, that changed the served set (never
   * for no-op rewrites or changes that only touch problems). Returns a function that unregisters it.
   */
  onUpdate(listener: (update: ConfigSourceUpdate) => void): () => void;
  /** The latest state (including problem-only changes), or undefined before `start()` resolved. */
  current(): ConfigSourceUpdate | undefined;
  /** Stops watching and releases every timer and watcher; no listener is called afterwards. */
  stop(): Promise<void>;
}
