import { create } from '@bufbuild/protobuf';
import { routeV3, type listenerV3 } from '@minipilot/envoy-api';
import { apiListener, httpConnectionManager } from '../builders/listener.js';
import { faultFilter, routerFilter } from '../builders/http-filters.js';
import { routeConfiguration, virtualHost, routeAction } from '../builders/route.js';
import { clusterName } from '../names.js';
import { buildHttpRoutes } from '../routes/http-route.js';
import { visibleServices } from './clusters.js';
import { virtualServiceForHost } from './virtual-service-for-host.js';
import type { PushContext } from '../model/push-context.js';
import type { ServiceModel } from '../model/service.js';
import type { ProxyView } from '../proxy.js';

/**
 * The names a proxyless client may use for a service, as `xds:///NAME:PORT` targets: the FQDN, and
 * for Kubernetes services `name.ns.svc`, `name.ns` and, from the same namespace, `name`.
 */
export function grpcHostAliases(svc: ServiceModel, proxy: ProxyView): string[] {
  if (svc.registry !== 'Kubernetes') return [svc.hostname];
  const aliases = [svc.hostname, `${svc.name}.${svc.namespace}.svc`, `${svc.name}.${svc.namespace}`];
  if (svc.namespace === proxy.namespace) aliases.push(svc.name);
  return aliases;
}

/**
 * Listeners for proxyless gRPC clients (node metadata GENERATOR=grpc): an `api_listener` per
 * `alias:port` a client may dial, each an HttpConnectionManager fetching RDS `outbound|PORT||FQDN`
 * with the fault and router filters (the router last).
 */
export function buildGrpcListeners(proxy: ProxyView, push: PushContext): listenerV3.Listener[] {
  const out: listenerV3.Listener[] = [];
  for (const svc of grpcServices(proxy, push)) {
    for (const port of svc.ports) {
      const rds = clusterName('outbound', port.port, '', svc.hostname);
      const hcm = httpConnectionManager({ statPrefix: rds, routeConfigName: rds, httpFilters: [faultFilter(), routerFilter()] });
      for (const alias of grpcHostAliases(svc, proxy)) out.push(apiListener(`${alias}:${port.port}`, hcm));
    }
  }
  return out;
}

/**
 * Route configurations for proxyless gRPC clients: one per service port, with one virtual host whose
 * domains are every alias with and without the port (gRPC matches the dialed authority exactly),
 * routes from the VirtualService for the host, else one default route to the service's cluster.
 */
export function buildGrpcRoutes(proxy: ProxyView, push: PushContext, warn: (message: string) => void = () => {}): routeV3.RouteConfiguration[] {
  const out: routeV3.RouteConfiguration[] = [];
  for (const svc of grpcServices(proxy, push)) {
    const vs = virtualServiceForHost(proxy, push, svc.hostname);
    for (const port of svc.ports) {
      const name = clusterName('outbound', port.port, '', svc.hostname);
      const aliases = grpcHostAliases(svc, proxy);
      const domains = [...aliases, ...aliases.map((a) => `${a}:${port.port}`)];
      const routes = vs
        ? buildHttpRoutes({ push, proxy, vs, gateway: 'mesh', port: port.port, grpc: true, onProblem: warn })
        : [create(routeV3.RouteSchema, { name: 'default', match: { pathSpecifier: { case: 'prefix', value: '' } }, action: { case: 'route', value: routeAction(name) } })];
      out.push(routeConfiguration(name, [virtualHost(`${svc.hostname}:${port.port}`, domains, routes)]));
    }
  }
  return out;
}

function grpcServices(proxy: ProxyView, push: PushContext): ServiceModel[] {
  return visibleServices(proxy, push).filter((s) => s.resolution === 'ClientSideLB');
}
