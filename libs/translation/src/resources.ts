import type { listenerV3, routeV3, clusterV3, endpointV3, ndsV1 } from '@minipilot/envoy-api';

/** The Envoy resources one proxy receives, per xDS type. */
export interface EnvoyResources {
  readonly listeners: listenerV3.Listener[];
  readonly routes: routeV3.RouteConfiguration[];
  readonly clusters: clusterV3.Cluster[];
  readonly endpoints: endpointV3.ClusterLoadAssignment[];
  /** istio-agent's DNS name table (NDS): one table, sidecars only; empty for gateways and proxyless gRPC. */
  readonly nameTables: ndsV1.NameTable[];
}
