import { configKey, type ConfigObject, type ConfigOf, type Kind } from './kinds.js';

/** An immutable set of config objects, indexed by kind; the input to a push context. */
export interface ConfigSnapshot {
  /** Objects by `Kind/namespace/name`. */
  readonly objects: ReadonlyMap<string, ConfigObject>;
  /** Objects of one kind, sorted by namespace then name (stable output for generators). */
  ofKind<K extends Kind>(kind: K): readonly ConfigOf<K>[];
  get<K extends Kind>(kind: K, namespace: string, name: string): ConfigOf<K> | undefined;
}

/**
 * Creates a snapshot from objects. When two objects share a key the first one wins (as with
 * duplicate files); the caller reports the duplicate.
 */
export function createConfigSnapshot(objects: Iterable<ConfigObject>): ConfigSnapshot {
  const byKey = new Map<string, ConfigObject>();
  for (const o of objects) {
    const k = configKey(o);
    if (!byKey.has(k)) byKey.set(k, o);
  }
  const byKind = new Map<Kind, ConfigObject[]>();
  for (const o of byKey.values()) {
    const list = byKind.get(o.kind) ?? [];
    list.push(o);
    byKind.set(o.kind, list);
  }
  for (const list of byKind.values()) {
    list.sort((a, b) => a.metadata.namespace.localeCompare(b.metadata.namespace) || a.metadata.name.localeCompare(b.metadata.name));
    Object.freeze(list);
  }
  const empty: readonly ConfigObject[] = Object.freeze([]);
  return Object.freeze({
    objects: byKey,
    ofKind: <K extends Kind>(kind: K) => (byKind.get(kind) ?? empty) as readonly ConfigOf<K>[],
    get: <K extends Kind>(kind: K, namespace: string, name: string) => byKey.get(`${kind}/${namespace}/${name}`) as ConfigOf<K> | undefined,
  });
}
