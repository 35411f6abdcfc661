import type { Json, ProxyResources } from './api.js';

/** One destination of a route: a cluster, its weight (100 when unweighted) and its endpoints. */
export interface ClusterNode { readonly name: string; readonly weight: number; readonly endpoints: readonly string[] }
/** A route of a virtual host: its match and destinations. */
export interface RouteNode { readonly match: string; readonly virtualService?: string; readonly clusters: readonly ClusterNode[]; readonly other?: string }
/** A virtual host of a route configuration. */
export interface VirtualHostNode { readonly name: string; readonly domains: readonly string[]; readonly routes: readonly RouteNode[] }
/** Where one filter chain leads. */
export interface ChainNode { readonly routeConfig?: string; readonly virtualHosts?: readonly VirtualHostNode[]; readonly clusters?: readonly ClusterNode[] }
/** A listener and where each of its filter chains leads: a route configuration, or TCP clusters. */
export interface ListenerNode { readonly name: string; readonly chains: readonly ChainNode[] }

const HCM = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const TCP = 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';

function endpointsOf(res: ProxyResources, cluster: string): string[] {
  const cla = res.endpoints.find((e) => e['clusterName'] === cluster);
  return (cla?.['endpoints'] ?? []).flatMap((group: Json) => (group['lbEndpoints'] ?? []).map((lb: Json) => {
    const a = lb['endpoint']?.['address']?.['socketAddress'];
    return a ? `${a['address']}:${a['portValue'] ?? 0}` : '?';
  }));
}

function clustersOf(res: ProxyResources, spec: Json): ClusterNode[] {
  if (typeof spec['cluster'] === 'string') return [{ name: spec['cluster'], weight: 100, endpoints: endpointsOf(res, spec['cluster']) }];
  const weighted = spec['weightedClusters']?.['clusters'] as Json[] | undefined;
  return (weighted ?? []).map((c) => ({ name: c['name'], weight: c['weight'] ?? 0, endpoints: endpointsOf(res, c['name']) }));
}

function matchText(m: Json | undefined): string {
  if (!m) return '';
  if (m['prefix'] !== undefined) return `${m['prefix']}*`;
  if (m['path'] !== undefined) return m['path'];
  if (m['safeRegex']) return `regex ${m['safeRegex']['regex']}`;
  return '';
}

function virtualHosts(res: ProxyResources, rc: Json | undefined): VirtualHostNode[] {
  return (rc?.['virtualHosts'] ?? []).map((vh: Json) => ({
    name: vh['name'],
    domains: vh['domains'] ?? [],
    routes: (vh['routes'] ?? []).map((r: Json): RouteNode => {
      // istio.config: /apis/networking.istio.io/v1/namespaces/<ns>/virtual-service/<name>
      const parts = (r['metadata']?.['filterMetadata']?.['istio']?.['config'] as string | undefined)?.split('/');
      return {
        match: matchText(r['match']),
        ...(parts?.[6] === 'virtual-service' ? { virtualService: `${parts[5]}/${parts[7]}` } : {}),
        clusters: r['route'] ? clustersOf(res, r['route']) : [],
        ...(r['route'] ? {} : { other: r['redirect'] ? 'redirect' : r['directResponse'] ? `direct response ${r['directResponse']['status']}` : 'no action' }),
      };
    }),
  }));
}

/** Follows each listener's filter chains to route configurations, virtual hosts, routes, weighted clusters and endpoints. */
export function routingTree(res: ProxyResources): ListenerNode[] {
  return res.listeners.map((l) => {
    const chains = [...(l['filterChains'] ?? []), ...(l['defaultFilterChain'] ? [l['defaultFilterChain']] : [])];
    const api = l['apiListener']?.['apiListener'];
    const filters: Json[] = api ? [{ typedConfig: api }] : chains.flatMap((c: Json) => c['filters'] ?? []);
    return {
      name: l['name'],
      chains: filters.flatMap((f): ChainNode[] => {
        const tc = f['typedConfig'] ?? {};
        if (tc['@type'] === HCM) {
          const name = tc['rds']?.['routeConfigName'] as string | undefined;
          const rc = name !== undefined ? res.routes.find((r) => r['name'] === name) : tc['routeConfig'];
          return [{ ...(name !== undefined ? { routeConfig: name } : {}), virtualHosts: virtualHosts(res, rc) }];
        }
        if (tc['@type'] === TCP) return [{ clusters: clustersOf(res, tc) }];
        return [];
      }),
    };
  });
}
