/**
 * Type URLs of the xDS resources minipilot serves, as clients put them in `type_url`.
 * See https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol#resource-types
 */
export const TypeUrl = {
  Listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  RouteConfiguration: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  Cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  ClusterLoadAssignment: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  Secret: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
  /** istio-agent's DNS name table (NDS, Istio's `pkg/dns/proto/nds.proto`): one resource with an empty name. */
  NameTable: 'type.googleapis.com/istio.networking.nds.v1.NameTable',
} as const;

/** One of the type URLs in {@link TypeUrl}. */
export type TypeUrl = (typeof TypeUrl)[keyof typeof TypeUrl];

/**
 * The order in which resource types are pushed on an ADS stream (make-before-break):
 * clusters, then their endpoints, then listeners, then the routes listeners name.
 * NOTE: order MATTERS, see https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol#eventual-consistency-considerations
 */
export const PUSH_ORDER: readonly TypeUrl[] = [
  TypeUrl.Cluster,
  TypeUrl.ClusterLoadAssignment,
  TypeUrl.Listener,
  TypeUrl.RouteConfiguration,
];

/** Short names used in logs, metrics and the CLI (`cds`, `eds`, `lds`, `rds`, `sds`, `nds`). */
export const typeShortName: Readonly<Record<TypeUrl, string>> = {
  [TypeUrl.Listener]: 'lds',
  [TypeUrl.RouteConfiguration]: 'rds',
  [TypeUrl.Cluster]: 'cds',
  [TypeUrl.ClusterLoadAssignment]: 'eds',
  [TypeUrl.Secret]: 'sds',
  [TypeUrl.NameTable]: 'nds',
};

/**
 * True for the types whose SotW responses must hold the full set, which also support wildcard: LDS,
 * CDS and istio-agent's NDS (istiod's `IsWildcardTypeURL`: the agent asks for the name table with
 * no names and gets the one table, named '').
 */
export function isWildcardType(typeUrl: string): boolean {
  return typeUrl === TypeUrl.Listener || typeUrl === TypeUrl.Cluster || typeUrl === TypeUrl.NameTable;
}

/** Returns `type.googleapis.com/<fullName>` for a message's full name. */
export function typeUrlOf(fullName: string): string {
  return `type.googleapis.com/${fullName}`;
}
