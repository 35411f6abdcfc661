import { routeV3 } from '@minipilot/envoy-api';
import { routeConfiguration, virtualHost } from '../builders/route.js';
import { buildHttpRoutes } from '../routes/http-route.js';
import { sortVirtualHostRoutes } from '../routes/route-match.js';
import { hostMatches } from '../model/host.js';
import { gatewayServers, isHttpServer, gatewayRouteName, serverHostsFor, type GatewayServer } from './gateway-servers.js';
import type { PushContext } from '../model/push-context.js';
import type { Proxy } from '../proxy.js';

/** The more specific of two matching hosts (server `*` + VirtualService `a.com` → `a.com`), or undefined if they do not match. */
function intersectHost(serverHost: string, vsHost: string): string | undefined {
  if (hostMatches(serverHost, vsHost)) return vsHost;
  if (hostMatches(vsHost, serverHost)) return serverHost;
  return undefined;
}

/**
 * A gateway's route configurations: one per HTTP(S) route name (`http.8080`), with a virtual host per
 * host shared by a server and a VirtualService bound to its Gateway (`<host>:<serverPort>`, routes of
 * every such VirtualService concatenated in istiod's order, catch-all routes last), or the empty
 * `blackhole:<port>` host when none applies (Envoy answers 404).
 */
export function buildGatewayRoutes(proxy: Proxy, push: PushContext, warn: (message: string) => void = () => {}): routeV3.RouteConfiguration[] {
  const byName = new Map<string, GatewayServer[]>();
  for (const s of gatewayServers(proxy, push).filter(isHttpServer)) {
    const name = gatewayRouteName(s);
    byName.set(name, [...(byName.get(name) ?? []), s]);
  }
  const out: routeV3.RouteConfiguration[] = [];
  for (const [name, servers] of byName) {
    const hosts = new Map<string, { vh: routeV3.VirtualHost }>();
    for (const s of servers) {
      for (const vs of push.virtualServices) {
        if (!vs.gateways.includes(s.gatewayName)) continue;
        if (!push.visibleTo(vs.exportTo, vs.config.metadata.namespace, s.gateway.metadata.namespace)) continue;
        const serverHosts = serverHostsFor(s, vs.config.metadata.namespace);
        for (const vsHost of vs.hosts) {
          for (const sh of serverHosts) {
            const host = intersectHost(sh, vsHost);
            if (!host) continue;
            const routes = buildHttpRoutes({ push, proxy, vs, gateway: s.gatewayName, port: s.serverPort, grpc: false, tls: s.protocol === 'HTTPS', onProblem: warn });
            const key = `${host}:${s.serverPort}`;
            let entry = hosts.get(key);
            if (!entry) {
              entry = { vh: virtualHost(key, [host], [], true) };
              if (s.server.tls?.httpsRedirect) entry.vh.requireTls = routeV3.VirtualHost_TlsRequirementType.ALL;
              hosts.set(key, entry);
            }
            entry.vh.routes.push(...routes);
          }
        }
      }
    }
    const vhosts = [...hosts.values()].map((e) => { e.vh.routes = sortVirtualHostRoutes(e.vh.routes); return e.vh; })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (vhosts.length === 0) vhosts.push(virtualHost(`blackhole:${servers[0]!.serverPort}`, ['*'], []));
    out.push(routeConfiguration(name, vhosts, { validateClusters: false, ignorePortInHostMatching: true, maxDirectResponseBodySizeBytes: 1048576 }));
  }
  return out;
}
