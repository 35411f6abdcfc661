import { create } from '@bufbuild/protobuf';
import { anyIs, anyUnpack } from '@bufbuild/protobuf/wkt';
import { hcmV3, routeV3, endpointV3, clusterV3, type listenerV3 } from '@minipilot/envoy-api';
import type { EnvoyResources } from './resources.js';

/** Route configuration names a listener's HTTP connection managers fetch over RDS. */
export function rdsNamesOf(listener: listenerV3.Listener): string[] {
  let names = rdsNames.get(listener);
  if (!names) rdsNames.set(listener, (names = readRdsNames(listener)));
  return [...names];
}

/** Per listener instance (generated listeners are not mutated once built): what it references over RDS. */
const rdsNames = new WeakMap<listenerV3.Listener, readonly string[]>();

function readRdsNames(listener: listenerV3.Listener): string[] {
  const hcms: hcmV3.HttpConnectionManager[] = [];
  const api = listener.apiListener?.apiListener;
  if (api && anyIs(api, hcmV3.HttpConnectionManagerSchema)) hcms.push(anyUnpack(api, hcmV3.HttpConnectionManagerSchema)!);
  const chains = [...listener.filterChains, ...(listener.defaultFilterChain ? [listener.defaultFilterChain] : [])];
  for (const chain of chains) {
    for (const f of chain.filters) {
      if (f.configType.case === 'typedConfig' && anyIs(f.configType.value, hcmV3.HttpConnectionManagerSchema)) {
        hcms.push(anyUnpack(f.configType.value, hcmV3.HttpConnectionManagerSchema)!);
      }
    }
  }
  return hcms.flatMap((h) => (h.routeSpecifier.case === 'rds' ? [h.routeSpecifier.value.routeConfigName] : []));
}

/** The ClusterLoadAssignment name an EDS cluster fetches (its service_name, else its own name); undefined for other types. */
export function edsNameOf(cluster: clusterV3.Cluster): string | undefined {
  if (cluster.clusterDiscoveryType.case !== 'type' || cluster.clusterDiscoveryType.value !== clusterV3.Cluster_DiscoveryType.EDS) return undefined;
  return cluster.edsClusterConfig?.serviceName || cluster.name;
}

/**
 * go-control-plane's snapshot consistency check: every RDS name a listener references and every EDS
 * name a cluster references must be present. Returns one message per missing reference.
 */
export function checkConsistent(res: EnvoyResources): string[] {
  const routes = new Set(res.routes.map((r) => r.name));
  const cla = new Set(res.endpoints.map((e) => e.clusterName));
  const problems: string[] = [];
  for (const l of res.listeners) for (const n of rdsNamesOf(l)) if (!routes.has(n)) problems.push(`listener ${l.name} references missing route configuration ${n}`);
  for (const c of res.clusters) {
    const n = edsNameOf(c);
    if (n !== undefined && !cla.has(n)) problems.push(`cluster ${c.name} references missing cluster load assignment ${n}`);
  }
  return problems;
}

/**
 * Makes a resource set consistent the way istiod answers unknown names: an empty
 * RouteConfiguration for each referenced but missing route name, and an empty
 * ClusterLoadAssignment for each EDS cluster without one. Also drops duplicate names (first wins)
 * and sorts every type by name, so output and versions are deterministic.
 */
export function completeReferences(res: EnvoyResources): EnvoyResources {
  if (isComplete(res)) return res;
  const routes = dedupe(res.routes, (r) => r.name);
  const endpoints = dedupe(res.endpoints, (e) => e.clusterName);
  const routeNames = new Set(routes.map((r) => r.name));
  const claNames = new Set(endpoints.map((e) => e.clusterName));
  const listeners = dedupe(res.listeners, (l) => l.name);
  const clusters = dedupe(res.clusters, (c) => c.name);
  for (const l of listeners) {
    for (const n of rdsNamesOf(l)) {
      if (!routeNames.has(n)) { routeNames.add(n); routes.push(create(routeV3.RouteConfigurationSchema, { name: n, validateClusters: false })); }
    }
  }
  for (const c of clusters) {
    const n = edsNameOf(c);
    if (n !== undefined && !claNames.has(n)) { claNames.add(n); endpoints.push(create(endpointV3.ClusterLoadAssignmentSchema, { clusterName: n })); }
  }
  const byName = <T>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  return {
    listeners: listeners.sort(byName((l) => l.name)),
    routes: routes.sort(byName((r) => r.name)),
    clusters: clusters.sort(byName((c) => c.name)),
    endpoints: endpoints.sort(byName((e) => e.clusterName)),
    nameTables: res.nameTables,
  };
}

/** True when every list is sorted by name without duplicates and every RDS/EDS reference resolves (nothing to do). */
function isComplete(res: EnvoyResources): boolean {
  const sorted = <T>(items: readonly T[], key: (t: T) => string): boolean => items.every((it, i) => i === 0 || key(items[i - 1]!) < key(it));
  if (!sorted(res.listeners, (l) => l.name) || !sorted(res.routes, (r) => r.name) || !sorted(res.clusters, (c) => c.name) || !sorted(res.endpoints, (e) => e.clusterName)) return false;
  return checkConsistent(res).length === 0;
}

function dedupe<T>(items: readonly T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const it of items) {
    const k = key(it);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(it);
  }
  return out;
}
