import type { TrafficPolicy } from '@minipilot/config';
import { clusterName } from '../names.js';
import { matchesLabels } from '../model/service-registry.js';
import { effectivePolicy, portLevelPolicy } from './cluster-traffic-policy.js';
import type { EffectiveDestinationRule, PushContext } from '../model/push-context.js';
import type { EndpointModel, ServiceModel, ServicePortModel } from '../model/service.js';
import type { ProxyView } from '../proxy.js';

/** How an outbound cluster finds its endpoints (the Envoy discovery type). */
export type OutboundDiscovery = 'EDS' | 'STRICT_DNS' | 'LOGICAL_DNS' | 'ORIGINAL_DST';

/** A service port (and subset) an outbound cluster serves; the EDS generator uses the same list. */
export interface OutboundClusterRef {
  readonly name: string;
  readonly service: ServiceModel;
  readonly port: ServicePortModel;
  readonly subset: string;
  /** Subset labels endpoints must carry (empty for the default cluster). */
  readonly subsetLabels: Readonly<Record<string, string>>;
  readonly discovery: OutboundDiscovery;
  /** The DestinationRule that applies, and its effective policy for this port and subset. */
  readonly destinationRule: EffectiveDestinationRule | undefined;
  readonly policy: TrafficPolicy | undefined;
}

/** Services visible to a proxy: exported to its namespace (Sidecar scoping is not modelled yet). */
export function visibleServices(proxy: Pick<ProxyView, 'namespace'>, push: PushContext): readonly ServiceModel[] {
  return push.services.filter((s) => push.visibleTo(s.exportTo, s.namespace, proxy.namespace));
}

/**
 * The outbound clusters a proxy gets, in istiod's order: per visible service port (UDP skipped)
 * the default cluster `outbound|PORT||HOST`, then one per DestinationRule subset
 * `outbound|PORT|SUBSET|HOST`, whether or not a route uses it. Discovery type by resolution
 * (convertResolution): ClientSideLB → EDS, DNS → STRICT_DNS, DNS_ROUND_ROBIN → LOGICAL_DNS,
 * Passthrough → ORIGINAL_DST on sidecars and EDS on gateways; a `simple: PASSTHROUGH` load
 * balancer makes ORIGINAL_DST. Proxyless gRPC clients only get EDS and LOGICAL_DNS clusters
 * (DNS services become LOGICAL_DNS, passthrough services are skipped).
 */
export function outboundClusterRefs(proxy: ProxyView, push: PushContext): OutboundClusterRef[] {
  const refs: OutboundClusterRef[] = [];
  const grpc = proxy.generator === 'grpc';
  for (const service of visibleServices(proxy, push)) {
    const dr = push.destinationRule(proxy.namespace, service.hostname, proxy.labels);
    for (const port of service.ports) {
      if (port.protocol === 'UDP') continue;
      const policy = portLevelPolicy(dr?.trafficPolicy, port.port).policy;
      const base = passthroughLb(policy) ? 'ORIGINAL_DST' : resolutionDiscovery(service, proxy);
      const add = (subset: string, labels: Readonly<Record<string, string>>, discovery: OutboundDiscovery, p: TrafficPolicy | undefined): void => {
        const d = grpc && discovery === 'STRICT_DNS' ? 'LOGICAL_DNS' : discovery;
        if (grpc && d === 'ORIGINAL_DST') return;
        refs.push({ name: clusterName('outbound', port.port, subset, service.hostname), service, port, subset, subsetLabels: labels, discovery: d, destinationRule: dr, policy: p });
      };
      add('', {}, base, policy);
      for (const subset of dr?.subsets ?? []) {
        const merged = effectivePolicy(dr?.trafficPolicy, subset.trafficPolicy, port.port);
        const discovery = base === 'ORIGINAL_DST' || subset.trafficPolicy?.loadBalancer?.simple === 'PASSTHROUGH' || passthroughLb(merged) ? 'ORIGINAL_DST' : base;
        add(subset.name, subset.labels ?? {}, discovery, merged);
      }
    }
  }
  return refs;
}

/** The endpoints of a cluster: the service port's endpoints whose labels contain the subset's. */
export function refEndpoints(ref: OutboundClusterRef, push: PushContext): readonly EndpointModel[] {
  return push.endpoints(ref.service.hostname, ref.port.port).filter((e) => matchesLabels(ref.subsetLabels, e.labels));
}

function resolutionDiscovery(service: ServiceModel, proxy: ProxyView): OutboundDiscovery {
  switch (service.resolution) {
    case 'DNSLB': return 'STRICT_DNS';
    case 'DNSRoundRobinLB': return 'LOGICAL_DNS';
    case 'Passthrough': return proxy.type === 'router' ? 'EDS' : 'ORIGINAL_DST';
    default: return 'EDS';
  }
}

function passthroughLb(policy: TrafficPolicy | undefined): boolean {
  return policy?.loadBalancer?.simple === 'PASSTHROUGH';
}
