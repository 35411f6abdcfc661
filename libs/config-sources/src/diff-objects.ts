import type { ConfigObject } from '@minipilot/config';

/** The served set after a reload, and which keys differ in content from the set before. */
export interface ObjectDiff {
  /** The new set; objects whose content and origin did not change keep their previous instance. */
  readonly objects: ReadonlyMap<string, ConfigObject>;
  /** Keys added, removed, or whose content changed. */
  readonly changedKeys: ReadonlySet<string>;
}

const fingerprints = new WeakMap<ConfigObject, string>();

/**
 * The content of an object as a canonical string: everything but its origin (moving a document inside
 * a file changes nothing for a proxy), with object keys sorted so YAML key order does not matter.
 */
export function contentFingerprint(o: ConfigObject): string {
  let fp = fingerprints.get(o);
  if (fp === undefined) {
    const { origin: _origin, ...content } = o;
    fp = JSON.stringify(content, (_key, value: unknown) => (isPlainObject(value) ? sortKeys(value) : value));
    fingerprints.set(o, fp);
  }
  return fp;
}

/** Compares two served sets by content (not identity), so rewriting a file unchanged changes nothing. */
export function diffObjects(before: ReadonlyMap<string, ConfigObject>, after: ReadonlyMap<string, ConfigObject>): ObjectDiff {
  const changedKeys = new Set<string>();
  const objects = new Map<string, ConfigObject>();
  for (const [key, next] of after) {
    const prev = before.get(key);
    if (prev === undefined || contentFingerprint(prev) !== contentFingerprint(next)) {
      changedKeys.add(key);
      objects.set(key, next);
    } else {
      objects.set(key, sameOrigin(prev, next) ? prev : next);
    }
  }
  for (const key of before.keys()) if (!after.has(key)) changedKeys.add(key);
  return { objects, changedKeys };
}

function sameOrigin(a: ConfigObject, b: ConfigObject): boolean {
  return a.origin?.file === b.origin?.file && a.origin?.doc === b.origin?.doc && a.origin?.line === b.origin?.line;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sortKeys(v: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]));
}
