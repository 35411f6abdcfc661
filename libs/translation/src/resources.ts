import type { listenerV3, routeV3, clusterV3, endpointV3 } from '@minipilot/envoy-api';

/** The Envoy resources one proxy receives, per xDS type. */
export interface EnvoyResources {
  readonly listeners: listenerV3.Listener[];
  readonly routes: routeV3.RouteConfiguration[];
  readonly clusters: clusterV3.Cluster[];
  readonly endpoints: endpointV3.ClusterLoadAssignment[];
}
