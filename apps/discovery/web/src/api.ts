/** The JSON the page reads from the monitoring port (the shapes of the /debug endpoints). */

/** One proxy of `/debug/syncz`. */
export interface SyncEntry {
  readonly proxy: string;
  readonly node_id: string;
  readonly proxy_type: string;
  readonly delta: boolean;
  readonly [versionKey: `${string}_${'sent' | 'acked'}`]: string;
  readonly nacked: readonly { type: string; version: string; message: string }[];
}

/** `/debug/configz`. */
export interface ConfigState {
  readonly objects: readonly { kind: string; namespace?: string; name: string; origin?: { file?: string } }[];
  readonly problems: readonly { severity: 'error' | 'warning'; text: string }[];
}

/** One entry of `/debug/pushz` (the server's type). */
export type { PushRecord } from '../../src/http/push-history.js';

/** Envoy resources in proto3 JSON, as `/debug/config_dump?format=resources` gives them; navigated loosely. */
export type Json = Record<string, any>;

/** `/debug/config_dump?proxyID=...&format=resources`. */
export interface ProxyResources {
  readonly proxy: string;
  readonly listeners: readonly Json[];
  readonly routes: readonly Json[];
  readonly clusters: readonly Json[];
  readonly endpoints: readonly Json[];
}

/** GETs `path` on the server that served the page and parses the JSON body. */
export async function getJson<T>(path: string): Promise<T> {
  const r = await fetch(path, { cache: 'no-store' });
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  return (await r.json()) as T;
}
