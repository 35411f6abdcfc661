/** Traffic direction part of an Istio cluster name. */
export type Direction = 'outbound' | 'inbound';

/** istiod's cluster name: `outbound|9080|v1|reviews.default.svc.cluster.local` (subset and host may be empty). */
export function clusterName(direction: Direction, port: number, subset: string, host: string): string {
  return `${direction}|${port}|${subset}|${host}`;
}

/** The parts of an Istio cluster name, or undefined if `name` is not one. */
export function parseClusterName(name: string): { direction: Direction; port: number; subset: string; host: string } | undefined {
  const parts = name.split('|');
  if (parts.length !== 4 || (parts[0] !== 'outbound' && parts[0] !== 'inbound')) return undefined;
  const port = Number(parts[1]);
  if (!Number.isInteger(port)) return undefined;
  return { direction: parts[0], port, subset: parts[2]!, host: parts[3]! };
}

/** Names of istiod's special clusters. */
export const BLACKHOLE_CLUSTER = 'BlackHoleCluster';
export const PASSTHROUGH_CLUSTER = 'PassthroughCluster';
export const INBOUND_PASSTHROUGH_CLUSTER = 'InboundPassthroughCluster';

/** The `istio` filter metadata path istioctl reads: `/apis/networking.istio.io/v1/namespaces/<ns>/<kebab-kind>/<name>`. */
export function configMetadataPath(kind: string, apiVersion: string, namespace: string, name: string): string {
  const kebab = kind.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
  return `/apis/${apiVersion}/namespaces/${namespace}/${kebab}/${name}`;
}
