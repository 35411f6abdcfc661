import { createHash } from 'node:crypto';

/** One xDS resource as this library sees it: a name and opaque encoded bytes. */
export interface XdsResource {
  readonly name: string;
  /** Content hash of `value` (per-resource version in delta xDS). */
  readonly version: string;
  /** The encoded resource message, i.e. the bytes that go in Any.value. */
  readonly value: Uint8Array;
}

/** Immutable set of resources for one proxy (or a group of identical proxies). */
export interface XdsSnapshot {
  /** type URL -> (name -> resource). A type URL absent from the map is not served (unknown type). */
  readonly resources: ReadonlyMap<string, ReadonlyMap<string, XdsResource>>;
  /** Per-type version: content hash over the sorted (name, version) pairs of that type ('' if absent). */
  version(typeUrl: string): string;
}

const HASH_LENGTH = 22; // 132 bits of sha256, base64url

function hash(parts: readonly (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return h.digest('base64url').slice(0, HASH_LENGTH);
}

/**
 * Returns a resource whose version is the content hash of `value`, so equal bytes always get equal
 * versions (across streams, proxies and restarts) and any change gets a new one.
 * NOTE: versions only need to change with content, see https://github.com/envoyproxy/envoy/pull/30497
 */
export function createResource(name: string, value: Uint8Array): XdsResource {
  return Object.freeze({ name, version: hash([value]), value });
}

/**
 * Returns an immutable snapshot of the given resources, indexed by type URL and name, with per-type
 * versions hashed over the sorted (name, version) pairs (independent of input order).
 * Throws if a type holds two resources with the same name (clients NACK duplicates).
 */
export function createSnapshot(
  byType: ReadonlyMap<string, readonly XdsResource[]> | Record<string, readonly XdsResource[]>,
): XdsSnapshot {
  const entries = byType instanceof Map ? [...byType.entries()] : Object.entries(byType);
  const resources = new Map<string, ReadonlyMap<string, XdsResource>>();
  const versions = new Map<string, string>();
  for (const [typeUrl, list] of entries) {
    const byName = new Map<string, XdsResource>();
    for (const resource of [...list].sort((a, b) => compare(a.name, b.name))) {
      if (byName.has(resource.name)) throw new Error(`duplicate ${typeUrl} resource name '${resource.name}'`);
      byName.set(resource.name, resource);
    }
    resources.set(typeUrl, byName);
    versions.set(typeUrl, hash([...byName.values()].flatMap((r) => [r.name, '\0', r.version, '\n'])));
  }
  return Object.freeze({ resources, version: (typeUrl: string) => versions.get(typeUrl) ?? '' });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
