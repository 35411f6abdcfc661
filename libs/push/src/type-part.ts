import { createHash } from 'node:crypto';
import type { Message } from '@bufbuild/protobuf';
import type { XdsTypeDescriptor } from '@minipilot/translation';
import type { XdsResource } from '@minipilot/xds-server';
import { encodeResource } from './encode.js';

/**
 * The resources of one xDS type in one part (scope or workload) of a proxy's config, encoded, with
 * the version of the whole set. Immutable and shared: every proxy of the part holds a reference,
 * and an unchanged set keeps its instance across pushes, so "did this change" is one comparison.
 */
export interface TypePart {
  readonly type: XdsTypeDescriptor;
  /** The accepted messages, sorted by name (config dumps, the debug page). */
  readonly messages: readonly Message[];
  /** name -> encoded resource, sorted by name. */
  readonly resources: ReadonlyMap<string, XdsResource>;
  /** Content hash over the sorted (name, resource version) pairs. */
  readonly version: string;
}

/** An empty part of a type (a type whose resources all live in the other part). */
export function emptyTypePart(type: XdsTypeDescriptor): TypePart {
  return createTypePart(type, []);
}

/**
 * Encodes `messages` (each message once, see {@link encodeResource}) into a type part. When the
 * result has the same version as `previous`, returns `previous` itself.
 */
export function createTypePart(type: XdsTypeDescriptor, messages: readonly Message[], previous?: TypePart): TypePart {
  // The same message instances (cache hits, untouched kinds): nothing to encode or hash.
  if (previous && previous.messages.length === messages.length && messages.every((m, i) => m === previous.messages[i])) return previous;
  const resources = new Map<string, XdsResource>();
  const h = createHash('sha256');
  for (const m of messages) {
    const r = encodeResource(type, m);
    resources.set(r.name, r);
    h.update(r.name).update('\0').update(r.version).update('\n');
  }
  const version = h.digest('base64url').slice(0, 22);
  if (previous && previous.version === version) return previous;
  return Object.freeze({ type, messages, resources, version });
}

/** Combines the versions of a type's scope and workload parts into the version a proxy sees. */
export function combinedVersion(scope: TypePart, workload: TypePart | undefined): string {
  if (!workload || workload.resources.size === 0) return scope.version;
  return createHash('sha256').update(scope.version).update('+').update(workload.version).digest('base64url').slice(0, 22);
}
