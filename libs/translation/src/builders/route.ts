import { create } from '@bufbuild/protobuf';
import { routeV3 } from '@minipilot/envoy-api';

/** A RouteConfiguration named `name` with the given virtual hosts. */
export function routeConfiguration(name: string, virtualHosts: readonly routeV3.VirtualHost[], extra: Partial<Pick<routeV3.RouteConfiguration, 'validateClusters' | 'ignorePortInHostMatching' | 'maxDirectResponseBodySizeBytes'>> = {}): routeV3.RouteConfiguration {
  return create(routeV3.RouteConfigurationSchema, { name, virtualHosts: [...virtualHosts], ...extra });
}

/** A VirtualHost serving `domains` with `routes` in order (first match wins). */
export function virtualHost(name: string, domains: readonly string[], routes: readonly routeV3.Route[], includeRequestAttemptCount = false): routeV3.VirtualHost {
  return create(routeV3.VirtualHostSchema, { name, domains: [...domains], routes: [...routes], ...(includeRequestAttemptCount ? { includeRequestAttemptCount } : {}) });
}

/** A route to one cluster or to weighted clusters. */
export function routeAction(target: string | readonly { name: string; weight: number }[]): routeV3.RouteAction {
  if (typeof target === 'string') return create(routeV3.RouteActionSchema, { clusterSpecifier: { case: 'cluster', value: target } });
  return create(routeV3.RouteActionSchema, {
    clusterSpecifier: {
      case: 'weightedClusters',
      value: { clusters: target.map((c) => ({ name: c.name, weight: c.weight })), totalWeight: target.reduce((s, c) => s + c.weight, 0) },
    },
  });
}
