import type { SyncEntry } from './api.js';

/** The sync state of one xDS type of one proxy, as the page shows it. */
export type SyncState = 'SYNCED' | 'STALE' | 'NACKED' | 'NOT SENT';

/** The xDS types of `/debug/syncz`, by its key prefix, with their type URLs. */
export const SYNC_TYPES = [
  { key: 'cluster', label: 'CDS', typeUrl: 'type.googleapis.com/envoy.config.cluster.v3.Cluster' },
  { key: 'listener', label: 'LDS', typeUrl: 'type.googleapis.com/envoy.config.listener.v3.Listener' },
  { key: 'endpoint', label: 'EDS', typeUrl: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment' },
  { key: 'route', label: 'RDS', typeUrl: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration' },
] as const;

/** NOT SENT before anything was sent, NACKED when the last version sent was rejected, SYNCED when it was ACKed, else STALE. */
export function syncState(e: SyncEntry, type: (typeof SYNC_TYPES)[number]): { state: SyncState; message?: string } {
  const sent = e[`${type.key}_sent`];
  if (!sent) return { state: 'NOT SENT' };
  const nack = e.nacked.find((n) => n.type === type.typeUrl && n.version === sent);
  if (nack) return { state: 'NACKED', message: nack.message };
  return { state: e[`${type.key}_acked`] === sent ? 'SYNCED' : 'STALE' };
}
