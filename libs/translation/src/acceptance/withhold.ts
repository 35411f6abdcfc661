import { TypeUrl } from '@minipilot/envoy-api';
import { completeReferences } from '../consistency.js';
import type { EnvoyResources } from '../resources.js';
import type { AcceptanceViolation, WithheldResource } from './types.js';

/**
 * Removes the resources that have violations and keeps the rest consistent. Returns the accepted
 * set and what was withheld.
 *
 * A withheld RouteConfiguration or ClusterLoadAssignment that an accepted listener or cluster still
 * names is replaced by an empty one of the same name (through {@link completeReferences}): the
 * listener keeps serving its other traffic and the broken port fails closed (404 / no healthy
 * upstream) instead of the listener being dropped, which would send that port's traffic to the
 * passthrough path around every route rule. A withheld Listener or Cluster is simply left out
 * (routes naming a withheld cluster get 503, as for any unknown cluster).
 */
export function withholdResources(res: EnvoyResources, violations: readonly AcceptanceViolation[]): { accepted: EnvoyResources; withheld: WithheldResource[] } {
  const bad = (typeUrl: string) => new Set(violations.filter((v) => v.typeUrl === typeUrl).map((v) => v.index));
  const keep = <T>(items: readonly T[], typeUrl: string) => {
    const b = bad(typeUrl);
    return items.filter((_, i) => !b.has(i));
  };
  const kept: EnvoyResources = {
    listeners: keep(res.listeners, TypeUrl.Listener),
    routes: keep(res.routes, TypeUrl.RouteConfiguration),
    clusters: keep(res.clusters, TypeUrl.Cluster),
    endpoints: keep(res.endpoints, TypeUrl.ClusterLoadAssignment),
    nameTables: res.nameTables,
  };
  const accepted = completeReferences(kept);
  const keptRoutes = new Set(kept.routes.map((r) => r.name));
  const keptCla = new Set(kept.endpoints.map((e) => e.clusterName));
  const standIns = new Set([
    ...accepted.routes.filter((r) => !keptRoutes.has(r.name)).map((r) => `${TypeUrl.RouteConfiguration} ${r.name}`),
    ...accepted.endpoints.filter((e) => !keptCla.has(e.clusterName)).map((e) => `${TypeUrl.ClusterLoadAssignment} ${e.clusterName}`),
  ]);
  const seen = new Set<string>();
  const withheld: WithheldResource[] = [];
  for (const v of violations) {
    const key = `${v.typeUrl} ${v.index}`;
    if (seen.has(key)) continue;
    seen.add(key);
    withheld.push({ typeUrl: v.typeUrl, name: v.resourceName, index: v.index, replacement: standIns.has(`${v.typeUrl} ${v.resourceName}`) ? 'empty' : 'none' });
  }
  return { accepted, withheld };
}
