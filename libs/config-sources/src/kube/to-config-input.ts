import type { WatchedResource } from './watched-resources.js';

type Json = Record<string, unknown>;

const KEPT_METADATA = ['name', 'namespace', 'labels', 'annotations', 'creationTimestamp', 'uid', 'generation'];

/**
 * Returns what `parseConfigObject` reads from an object of the API server: apiVersion and kind set
 * (list items of built-in kinds carry neither), metadata without resourceVersion and managedFields,
 * and Pods cut down to what the service registry uses (labels, IPs, phase, node, service account).
 * The served config then changes only when something minipilot reads changed, not on every status
 * heartbeat of a Pod or on a new resourceVersion.
 */
export function toConfigInput(r: WatchedResource, obj: Json): Json {
  const meta = (obj['metadata'] ?? {}) as Json;
  const metadata = Object.fromEntries(KEPT_METADATA.filter((k) => meta[k] !== undefined).map((k) => [k, meta[k]]));
  const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = obj;
  const base = { apiVersion: r.apiVersion, kind: r.kind, metadata };
  if (r.kind !== 'Pod') return { ...base, ...rest };
  const spec = (obj['spec'] ?? {}) as Json;
  const status = (obj['status'] ?? {}) as Json;
  return {
    ...base,
    spec: pick(spec, ['nodeName', 'serviceAccountName']),
    status: pick(status, ['podIP', 'podIPs', 'phase']),
  };
}

function pick(o: Json, keys: readonly string[]): Json {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined && o[k] !== null).map((k) => [k, o[k]]));
}

/** Returns the `configKey` an object of the API server will have: `Kind/namespace/name`. */
export function keyOf(r: WatchedResource, obj: Json): string {
  const meta = (obj['metadata'] ?? {}) as Json;
  const ns = r.namespaced ? (typeof meta['namespace'] === 'string' && meta['namespace'] ? meta['namespace'] : 'default') : '';
  return `${r.kind}/${ns}/${String(meta['name'] ?? '')}`;
}
