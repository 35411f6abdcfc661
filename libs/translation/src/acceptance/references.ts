import { hcmV3, tcpProxyV3, type clusterV3, type routeV3 } from '@minipilot/envoy-api';
import { edsNameOf } from '../consistency.js';
import { joinPath, visitsOf, type WalkVisit } from './pgv-walk.js';
import type { FieldProblem } from './types.js';

/** The message types the reference checks read from a walk. */
export const REFERENCE_VISIT_TYPES: ReadonlySet<string> = new Set([
  hcmV3.HttpConnectionManagerSchema.typeName, 'envoy.config.route.v3.RouteAction', tcpProxyV3.TcpProxySchema.typeName,
]);

type Visits = ReadonlyMap<string, readonly WalkVisit[]>;

/**
 * RDS names the HttpConnectionManagers in one listener fetch that are not among `routeNames`
 * (a hard violation: the listener would never warm), with the field path of each reference.
 */
export function missingRoutes(visits: Visits, routeNames: ReadonlySet<string>): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const { message: hcm, path } of visitsOf<hcmV3.HttpConnectionManager>(visits, hcmV3.HttpConnectionManagerSchema.typeName)) {
    if (hcm.routeSpecifier.case !== 'rds') continue;
    const name = hcm.routeSpecifier.value.routeConfigName;
    if (!routeNames.has(name)) out.push({ field: joinPath(path, 'rds.route_config_name'), rule: 'ref.rds', message: `route configuration ${JSON.stringify(name)} does not exist` });
  }
  return out;
}

/** The EDS reference of one cluster if its ClusterLoadAssignment is not among `claNames` (hard violation). */
export function missingEndpoints(cluster: clusterV3.Cluster, claNames: ReadonlySet<string>): FieldProblem[] {
  const name = edsNameOf(cluster);
  if (name === undefined || claNames.has(name)) return [];
  const field = cluster.edsClusterConfig?.serviceName ? 'eds_cluster_config.service_name' : 'name';
  return [{ field, rule: 'ref.eds', message: `cluster load assignment ${JSON.stringify(name)} does not exist` }];
}

/**
 * Cluster names that routes (cluster, weighted_clusters, request_mirror_policies) and tcp_proxy
 * filters in one resource name but that are not among `clusterNames`. Envoy tolerates these (istiod
 * sets validate_clusters false; the request gets a 503, the connection is closed), so they are
 * warnings, not violations.
 */
export function missingClusters(visits: Visits, clusterNames: ReadonlySet<string>): FieldProblem[] {
  const out: FieldProblem[] = [];
  const want = (field: string, name: string) => {
    if (name && !clusterNames.has(name)) out.push({ field, rule: 'ref.cluster', message: `cluster ${JSON.stringify(name)} does not exist` });
  };
  for (const { message: ra, path } of visitsOf<routeV3.RouteAction>(visits, 'envoy.config.route.v3.RouteAction')) {
    if (ra.clusterSpecifier.case === 'cluster') want(joinPath(path, 'cluster'), ra.clusterSpecifier.value);
    if (ra.clusterSpecifier.case === 'weightedClusters') ra.clusterSpecifier.value.clusters.forEach((c, i) => want(joinPath(path, `weighted_clusters.clusters[${i}].name`), c.name));
    ra.requestMirrorPolicies.forEach((m, i) => want(joinPath(path, `request_mirror_policies[${i}].cluster`), m.cluster));
  }
  for (const { message: tp, path } of visitsOf<tcpProxyV3.TcpProxy>(visits, tcpProxyV3.TcpProxySchema.typeName)) {
    if (tp.clusterSpecifier.case === 'cluster') want(joinPath(path, 'cluster'), tp.clusterSpecifier.value);
    if (tp.clusterSpecifier.case === 'weightedClusters') tp.clusterSpecifier.value.clusters.forEach((c, i) => want(joinPath(path, `weighted_clusters.clusters[${i}].name`), c.name));
  }
  return out;
}
