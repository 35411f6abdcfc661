import { routeV3 } from '@minipilot/envoy-api';
import { routeConfiguration, virtualHost } from '../builders/route.js';
import { buildHttpRoutes } from '../routes/http-route.js';
import { sortVirtualHostRoutes } from '../routes/route-match.js';
import { hostMatches } from '../model/host.js';
import { isHttpServer, gatewayRouteName, serverHostsFor, sanitizedServerHosts, type GatewayServer } from './gateway-servers.js';
import { mergedGatewayServers } from './gateway-merge.js';
import { collapseDuplicateRoutes } from './gateway-route-collapse.js';
import type { PushContext } from '../model/push-context.js';
import type { Proxy } from '../proxy.js';

/** The more specific of two matching hosts (server `*` + VirtualService `a.com` → `a.com`), or undefined if they do not match. */
function intersectHost(serverHost: string, vsHost: string): string | undefined {
  if (hostMatches(serverHost, vsHost)) return vsHost;
  if (hostMatches(vsHost, serverHost)) return serverHost;
  return undefined;
}

/**
 * A gateway's route configurations (istiod's buildGatewayHTTPRouteConfig): one per HTTP(S) route
 * name (`http.8080`) of the servers kept by istiod's merge, with one virtual host per host shared by
 * a server and a VirtualService bound to its Gateway, named `<host>:<serverPort>` after the first
 * server that made it (routes of every such VirtualService concatenated in istiod's order, each
 * VirtualService's routes built once per Gateway, catch-all routes last); hosts left with the same
 * routes share one virtual host (`collapseDuplicateRoutes`). A server with `tls.httpsRedirect` marks its hosts' virtual hosts `require_tls: ALL`
 * and adds a host without routes for each of its hosts no VirtualService covers (Envoy answers
 * the redirect before routing); over TLS the flag changes nothing. With no host at all, the empty
 * `blackhole:<port>` host (Envoy answers 404).
 */
export function buildGatewayRoutes(proxy: Proxy, push: PushContext, warn: (message: string) => void = () => {}): routeV3.RouteConfiguration[] {
  const byName = new Map<string, GatewayServer[]>();
  for (const s of mergedGatewayServers(proxy, push).filter(isHttpServer)) {
    const name = gatewayRouteName(s);
    byName.set(name, [...(byName.get(name) ?? []), s]);
  }
  const out: routeV3.RouteConfiguration[] = [];
  for (const [name, servers] of byName) {
    const hosts = new Map<string, routeV3.VirtualHost>();
    const built = new Map<string, routeV3.Route[]>();
    for (const s of servers) {
      const redirect = s.server.tls?.httpsRedirect === true;
      const hostFor = (host: string): routeV3.VirtualHost => {
        let vh = hosts.get(host);
        if (!vh) hosts.set(host, (vh = virtualHost(`${host}:${s.serverPort}`, [host], [], true)));
        if (redirect) vh.requireTls = routeV3.VirtualHost_TlsRequirementType.ALL;
        return vh;
      };
      for (const vs of push.virtualServices) {
        if (!vs.gateways.includes(s.gatewayName)) continue;
        if (!push.visibleTo(vs.exportTo, vs.config.metadata.namespace, s.gateway.metadata.namespace)) continue;
        const intersecting = intersectHosts(serverHostsFor(s, vs.config.metadata.namespace), vs.hosts);
        if (intersecting.length === 0) continue;
        const routesKey = `${s.gatewayName} ${vs.config.metadata.namespace}/${vs.config.metadata.name}`;
        let routes = built.get(routesKey);
        if (!routes) built.set(routesKey, (routes = buildHttpRoutes({ push, proxy, vs, gateway: s.gatewayName, port: s.serverPort, grpc: false, tls: s.protocol === 'HTTPS', onProblem: warn })));
        for (const host of intersecting) hostFor(host).routes.push(...routes);
      }
      if (redirect) for (const host of sanitizedServerHosts(s)) hostFor(host.toLowerCase());
    }
    const vhosts = collapseDuplicateRoutes(hosts).map((vh) => { vh.routes = sortVirtualHostRoutes(vh.routes); return vh; })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (vhosts.length === 0) vhosts.push(virtualHost(`blackhole:${servers[0]!.serverPort}`, ['*'], []));
    out.push(routeConfiguration(name, vhosts, { validateClusters: false, ignorePortInHostMatching: true, maxDirectResponseBodySizeBytes: 1048576 }));
  }
  return out;
}

/** Every host of one list matched by a host of the other, the more specific of each pair, lower-cased and without repeats. */
function intersectHosts(serverHosts: readonly string[], vsHosts: readonly string[]): string[] {
  const out = new Set<string>();
  for (const vsHost of vsHosts) {
    for (const sh of serverHosts) {
      const host = intersectHost(sh, vsHost);
      if (host) out.add(host.toLowerCase());
    }
  }
  return [...out];
}
