import { create } from '@bufbuild/protobuf';
import { routeV3 } from '@minipilot/envoy-api';
import { routeConfiguration, virtualHost, routeAction } from '../builders/route.js';
import { duration } from '../builders/common.js';
import { buildHttpRoutes } from '../routes/http-route.js';
import { defaultRoute, type DefaultRouteOptions } from '../routes/default-route.js';
import { hashPolicyForService } from '../routes/hash-policy.js';
import { clusterName, PASSTHROUGH_CLUSTER } from '../names.js';
import { isHttpProtocol } from '../model/protocol.js';
import { visibleServices } from './clusters.js';
import { virtualServiceForHost } from './virtual-service-for-host.js';
import { virtualHostDomains } from './virtual-host-domains.js';
import { virtualServiceOnlyHosts } from './virtual-service-hosts.js';
import { passthroughEndpointBinds } from './passthrough-binds.js';
import type { PushContext } from '../model/push-context.js';
import type { ServiceModel } from '../model/service.js';
import type { ProxyView } from '../proxy.js';
import { NO_MEMO, routeConfigurationKey, virtualHostKey, type ResourceMemo } from '../cache-keys.js';

/** The route configuration name a sidecar's outbound HTTP listener on `port` fetches (istiod: the port number). */
export function sidecarRouteName(port: number): string {
  return String(port);
}

/** Route configuration name for a sniffed (auto-protocol) service port on its VIP listener: `<fqdn>:<port>`. */
export function sniffedRouteName(svc: ServiceModel, port: number): string {
  return `${svc.hostname}:${port}`;
}

const ROUTE_CONFIG_DEFAULTS = { validateClusters: false, ignorePortInHostMatching: true, maxDirectResponseBodySizeBytes: 1048576 } as const;

/**
 * A sidecar's outbound route configurations: one per HTTP port (`"9080"`) with a virtual host per
 * HTTP or sniffed service on that port (`reviews.default.svc.cluster.local:9080`, routes from its
 * VirtualService or the default route) and per VirtualService host that is no service there (see
 * virtualServiceOnlyHosts), then the catch-all `allow_any` (PassthroughCluster) or `block_all` (502)
 * host per the mesh's outbound traffic policy; plus `<fqdn>:<port>` configurations for sniffed ports.
 */
export function buildSidecarRoutes(proxy: ProxyView, push: PushContext, warn: (message: string) => void = () => {}, memo: ResourceMemo = NO_MEMO): routeV3.RouteConfiguration[] {
  const byPort = new Map<number, ServiceModel[]>();
  const referenced = new Set<number>();
  const out: routeV3.RouteConfiguration[] = [];
  for (const svc of visibleServices(proxy, push)) {
    for (const p of svc.ports) {
      const sniffed = p.protocol === 'Unsupported';
      if (!isHttpProtocol(p.protocol) && !sniffed) continue;
      // Every HTTP or sniffed service port has a virtual host on the port's route configuration (istiod IsHTTPOrSniffed).
      byPort.set(p.port, [...(byPort.get(p.port) ?? []), svc]);
      const endpointBinds = sniffed ? passthroughEndpointBinds(svc, p, push) : undefined;
      if (!sniffed || (sharesPortRoutes(svc) && endpointBinds === undefined)) referenced.add(p.port);
      else if (svc.addresses.length > 0 || (endpointBinds?.length ?? 0) > 0) {
        const { key, host } = serviceVirtualHost(proxy, push, svc, p.port, warn, memo);
        const name = sniffedRouteName(svc, p.port);
        out.push(memo(routeConfigurationKey(name, push, [key]), () => routeConfiguration(name, [{ ...host, domains: ['*'] }], ROUTE_CONFIG_DEFAULTS)));
      }
    }
  }
  // Route configurations are made for the names listeners fetch: HTTP ports, and sniffed ports bound to 0.0.0.0.
  for (const [port, services] of [...byPort.entries()].filter(([port]) => referenced.has(port)).sort((a, b) => a[0] - b[0])) {
    // VirtualService hosts come first, as istiod builds VirtualService wrappers before services: an
    // ExternalName alias's FQDN is such a host and takes that domain from the concrete service's host.
    const hosts = [...virtualServiceOnlyHosts(proxy, push, port, services, warn, memo), ...services.map((svc) => serviceVirtualHost(proxy, push, svc, port, warn, memo))];
    const name = sidecarRouteName(port);
    out.push(memo(routeConfigurationKey(name, push, hosts.map((h) => h.key)), () => portRouteConfiguration(name, hosts.map((h) => h.host), push)));
  }
  return out;
}

/**
 * The route configuration of one HTTP port from its services' virtual hosts, in service order: a
 * domain already claimed by an earlier host is dropped from later ones (hosts left without domains
 * are dropped), hosts sorted by name, then the catch-all host.
 */
function portRouteConfiguration(name: string, candidates: readonly routeV3.VirtualHost[], push: PushContext): routeV3.RouteConfiguration {
  const used = new Set<string>();
  const hosts: routeV3.VirtualHost[] = [];
  for (const candidate of candidates) {
    const domains = candidate.domains.filter((d) => !used.has(d));
    domains.forEach((d) => used.add(d));
    if (domains.length > 0 && !hosts.some((h) => h.name === candidate.name)) hosts.push(domains.length === candidate.domains.length ? candidate : { ...candidate, domains });
  }
  hosts.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  hosts.push(catchAllVirtualHost(push));
  return routeConfiguration(name, hosts, ROUTE_CONFIG_DEFAULTS);
}

/**
 * True when a sniffed port of `svc` is served by the 0.0.0.0 listener and so fetches the port's
 * shared route configuration instead of `<host>:<port>`: a ServiceEntry without addresses (istiod
 * buildSidecarOutboundHTTPListenerOpts), unless it binds per endpoint (see passthroughEndpointBinds;
 * headless Kubernetes Services get per-endpoint listeners too).
 */
function sharesPortRoutes(svc: ServiceModel): boolean {
  return svc.addresses.length === 0 && svc.registry !== 'Kubernetes';
}

/** A service port's virtual host, shared through `memo` under {@link virtualHostKey} (treat it as immutable). */
function serviceVirtualHost(proxy: ProxyView, push: PushContext, svc: ServiceModel, port: number, warn: (message: string) => void, memo: ResourceMemo): { key: string; host: routeV3.VirtualHost } {
  const vs = virtualServiceForHost(proxy, push, svc.hostname);
  const key = virtualHostKey(proxy, push, svc, port, vs);
  const host = memo(key, () => {
    // A VirtualService none of whose routes applies here (port or source matches) leaves the service its
    // default route (istiod buildSidecarVirtualHostsForVirtualService returns no wrapper for it).
    const routes = vs ? buildHttpRoutes({ push, proxy, vs, gateway: 'mesh', port, grpc: false, onProblem: warn }) : [];
    if (routes.length === 0) routes.push(defaultRoute(clusterName('outbound', port, '', svc.hostname), svc.hostname, port, hashOptions(push, proxy, svc.hostname, port)));
    return virtualHost(`${svc.hostname}:${port}`, virtualHostDomains(svc, proxy, push.aliasesOf(svc.hostname)), routes, true);
  });
  return { key, host };
}

function hashOptions(push: PushContext, proxy: ProxyView, host: string, port: number): DefaultRouteOptions {
  const hashPolicy = hashPolicyForService(push, proxy, host, port);
  const meshRetry = push.mesh.defaultHttpRetryPolicy;
  return { ...(hashPolicy ? { hashPolicy } : {}), ...(meshRetry ? { meshRetry } : {}) };
}

/** istiod's last virtual host: `allow_any` to PassthroughCluster (ALLOW_ANY) or `block_all` answering 502 (REGISTRY_ONLY). */
export function catchAllVirtualHost(push: PushContext): routeV3.VirtualHost {
  if (push.mesh.outboundTrafficPolicy.mode === 'REGISTRY_ONLY') {
    const route = create(routeV3.RouteSchema, { name: 'block_all', match: { pathSpecifier: { case: 'prefix', value: '/' } }, action: { case: 'directResponse', value: { status: 502 } } });
    return virtualHost('block_all', ['*'], [route]);
  }
  const action = routeAction(PASSTHROUGH_CLUSTER);
  action.timeout = duration('0s');
  action.maxGrpcTimeout = duration('0s');
  const route = create(routeV3.RouteSchema, { name: 'allow_any', match: { pathSpecifier: { case: 'prefix', value: '/' } }, action: { case: 'route', value: action } });
  return virtualHost('allow_any', ['*'], [route]);
}
