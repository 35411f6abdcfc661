import type { listenerV3 } from '@minipilot/envoy-api';
import { aliasNames } from '../model/service-aliases.js';
import { l4MatchApplies, routeDestinationsFilter, serviceDefaultFilter, filterChain, isGatewayTarget, reportL4, type L4RouteTarget } from './l4-route.js';

/**
 * Filter chains for VirtualService `tls` routes (SNI routing), as istiod builds them.
 *
 * Sidecar (buildSidecarOutboundTLSFilterChainOpts): one chain per applicable match, `server_names`
 * = sniHosts (sorted) and `prefix_ranges` = the match's destinationSubnets (else the service's
 * CIDRs), VirtualService metadata; a match whose SNI hosts and subnets were already emitted is
 * skipped. Without any, one default chain to the service's cluster `outbound|port||host`,
 * matching SNI = the host (and the names of its ExternalName aliases) only when the listener has no
 * VIP (`sniOnDefault`) or CIDRs.
 *
 * Gateway PASSTHROUGH servers (buildGatewayNetworkFiltersFromTLSRoutes): one chain per applicable
 * match with its sniHosts; matches repeating an SNI host already routed on the listener port
 * (`usedSniHosts`) are skipped and reported. The listener generator decides which servers are
 * passthrough.
 */
export function buildTlsFilterChains(t: L4RouteTarget): listenerV3.FilterChain[] {
  return isGatewayTarget(t) ? gatewayChains(t) : sidecarChains(t);
}

function sidecarChains(t: L4RouteTarget): listenerV3.FilterChain[] {
  const out: listenerV3.FilterChain[] = [];
  const handled = new Set<string>();
  let cidrs: readonly string[] = t.destinationCidrs ?? [];
  let matched = false;
  for (const vs of t.virtualServices) {
    const ns = vs.config.metadata.namespace;
    (vs.config.spec.tls ?? []).forEach((tls, i) => {
      for (const m of tls.match ?? []) {
        if (!l4MatchApplies(m, t, ns)) continue;
        // As istiod: a match's subnets replace the CIDRs for it and for the matches after it.
        if (m.destinationSubnets && m.destinationSubnets.length > 0) cidrs = m.destinationSubnets;
        const key = `${(m.sniHosts ?? []).join(',')}|${(m.destinationSubnets ?? []).join(',')}`;
        if (handled.has(key)) continue;
        handled.add(key);
        const f = routeDestinationsFilter(tls.route ?? [], vs, t);
        if (!f) {
          reportL4(t, vs, `tls[${i}].route`, 'no destination with a weight above 0; chain skipped');
          continue;
        }
        out.push(filterChain({ filter: f, cidrs, serverNames: m.sniHosts ?? [], vs }));
        matched = true;
      }
    });
  }
  if (!matched && t.service) {
    // istiod adds the names of the service's ExternalName aliases to the SNI match.
    const sni = cidrs.length > 0 || t.sniOnDefault ? [t.service.hostname, ...t.push.aliasesOf(t.service.hostname).flatMap((a) => aliasNames(a, t.proxy.namespace))] : [];
    out.push(filterChain({ filter: serviceDefaultFilter(t.service, t), cidrs, serverNames: sni }));
  }
  return out;
}

function gatewayChains(t: L4RouteTarget): listenerV3.FilterChain[] {
  const out: listenerV3.FilterChain[] = [];
  const used = t.usedSniHosts ?? new Set<string>();
  for (const vs of t.virtualServices) {
    const ns = vs.config.metadata.namespace;
    (vs.config.spec.tls ?? []).forEach((tls, i) => {
      if (!tls.route || tls.route.length === 0) return;
      for (const m of tls.match ?? []) {
        if (!l4MatchApplies(m, t, ns)) continue;
        const sni = m.sniHosts ?? [];
        const dup = sni.filter((h) => used.has(h));
        if (dup.length > 0) {
          reportL4(t, vs, `tls[${i}].match.sniHosts`, `duplicate SNI host names ${dup.join(', ')} on port ${t.port}; match skipped`);
          continue;
        }
        const f = routeDestinationsFilter(tls.route, vs, t);
        if (!f) {
          reportL4(t, vs, `tls[${i}].route`, 'no destination with a weight above 0; chain skipped');
          continue;
        }
        for (const h of sni) used.add(h);
        out.push(filterChain({ filter: f, serverNames: sni }));
      }
    });
  }
  return out;
}
