import type { listenerV3 } from '@minipilot/envoy-api';
import { l4MatchApplies, routeDestinationsFilter, serviceDefaultFilter, filterChain, isGatewayTarget, reportL4, type L4RouteTarget } from './l4-route.js';

/**
 * Filter chains for VirtualService `tcp` routes, as istiod builds them.
 *
 * Sidecar (buildSidecarOutboundTCPFilterChainOpts): VirtualServices and their tcp entries in order;
 * an entry without matches, or with an applicable match without destinationSubnets, becomes the
 * catch-all chain (matching the service's CIDRs, VirtualService metadata) and ends the list;
 * applicable matches with destinationSubnets are collected into one chain with those
 * `prefix_ranges`. Without a catch-all, a last chain routes to the service's own cluster
 * `outbound|port||host` (unless a subnet chain already matches exactly the service's CIDRs).
 *
 * Gateway (buildGatewayNetworkFiltersFromTCPRoutes): one chain without a match, from the first tcp
 * entry of the first VirtualService whose matches (OR'd; none = all) apply; the listener generator
 * adds the server's SNI/TLS. Empty when nothing applies.
 */
export function buildTcpFilterChains(t: L4RouteTarget): listenerV3.FilterChain[] {
  return isGatewayTarget(t) ? gatewayChains(t) : sidecarChains(t);
}

function sidecarChains(t: L4RouteTarget): listenerV3.FilterChain[] {
  const out: listenerV3.FilterChain[] = [];
  const serviceCidrs = [...(t.destinationCidrs ?? [])];
  let defaultAdded = false;
  outer: for (const vs of t.virtualServices) {
    const ns = vs.config.metadata.namespace;
    const tcps = vs.config.spec.tcp ?? [];
    for (let i = 0; i < tcps.length; i++) {
      const tcp = tcps[i]!;
      const add = (cidrs: readonly string[], withMetadata: boolean): void => {
        const filter = routeDestinationsFilter(tcp.route ?? [], vs, t);
        if (filter) out.push(filterChain({ filter, cidrs, ...(withMetadata ? { vs } : {}) }));
        else reportL4(t, vs, `tcp[${i}].route`, 'no destination with a weight above 0; chain skipped');
      };
      // An entry without matches, or an applicable match without subnets, is the catch-all.
      const matches = tcp.match ?? [];
      const applicable = matches.filter((m) => l4MatchApplies(m, t, ns));
      const subnets: string[] = [];
      let catchAll = matches.length === 0;
      for (const m of applicable) {
        if (!m.destinationSubnets || m.destinationSubnets.length === 0) {
          catchAll = true;
          break;
        }
        subnets.push(...m.destinationSubnets);
      }
      if (catchAll) {
        add(serviceCidrs, true);
        defaultAdded = true;
        break outer;
      }
      if (subnets.length > 0) {
        add(subnets, false);
        // A chain with exactly the service's CIDRs already takes the default chain's place.
        if (sameSet(subnets, serviceCidrs)) defaultAdded = true;
      }
    }
  }
  if (!defaultAdded && t.service) out.push(filterChain({ filter: serviceDefaultFilter(t.service, t), cidrs: serviceCidrs }));
  return out;
}

function gatewayChains(t: L4RouteTarget): listenerV3.FilterChain[] {
  for (const vs of t.virtualServices) {
    const ns = vs.config.metadata.namespace;
    const tcps = vs.config.spec.tcp ?? [];
    for (let i = 0; i < tcps.length; i++) {
      const tcp = tcps[i]!;
      const applies = !tcp.match || tcp.match.length === 0 || tcp.match.some((m) => l4MatchApplies(m, t, ns));
      if (!applies || !tcp.route || tcp.route.length === 0) continue;
      const f = routeDestinationsFilter(tcp.route, vs, t);
      if (!f) {
        reportL4(t, vs, `tcp[${i}].route`, 'no destination with a weight above 0; chain skipped');
        return [];
      }
      return [filterChain({ filter: f })];
    }
  }
  return [];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const x = [...a].sort();
  const y = [...b].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
