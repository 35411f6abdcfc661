import { create } from '@bufbuild/protobuf';
import { DurationSchema } from '@bufbuild/protobuf/wkt';
import { clusterV3, endpointV3 } from '@minipilot/envoy-api';
import { bindConfig, clusterDraft, finishCluster } from '../builders/cluster.js';
import { istioMetadata, socketAddress } from '../builders/common.js';
import { clusterName, configMetadataPath } from '../names.js';
import { applyConnectionPool, portLevelPolicy } from './cluster-traffic-policy.js';
import { serviceMetadata, setUpstreamProtocol, type ClusterWarn } from './outbound-cluster.js';
import { serviceTargets, servicesAt } from './service-targets.js';
import { clusterStatName } from './cluster-stat-name.js';
import { INBOUND_PASSTHROUGH_BIND_IPV4, INBOUND_PASSTHROUGH_BIND_IPV6 } from './special-clusters.js';
import type { PushContext } from '../model/push-context.js';
import type { ServiceModel } from '../model/service.js';
import type { Proxy } from '../proxy.js';

/** istiod's "never clean up" interval for inbound ORIGINAL_DST hosts (the largest Go duration in whole seconds). */
export const MAX_CLEANUP_INTERVAL_SECONDS = 9223372035n;

/**
 * The sidecar's inbound clusters `inbound|<targetPort>||`, one per port its own workload serves
 * (registry services with an endpoint on the proxy's IPs; the same targets the inbound listener
 * uses). meshConfig.inboundTrafficPolicy PASSTHROUGH (default): ORIGINAL_DST, CLUSTER_PROVIDED,
 * never cleaned up, bound to 127.0.0.6 so iptables does not capture it again; LOCALHOST: STATIC
 * to 127.0.0.1:<targetPort>. `alt_stat_name` `NAME;` or the mesh `inboundClusterStatName` pattern. Connect timeout and circuit breakers from the mesh and the
 * DestinationRule's connectionPool; `istio.services` lists every service on the port; no TLS and
 * no metadata-exchange filter.
 */
export function buildInboundClusters(proxy: Proxy, push: PushContext, warn: ClusterWarn): clusterV3.Cluster[] {
  const ips = new Set(proxy.ips);
  const v6Only = proxy.ips.length > 0 && proxy.ips.every((ip) => ip.includes(':'));
  const localhost = push.mesh.inboundTrafficPolicy.mode === 'LOCALHOST';
  return serviceTargets(proxy, push).map((target) => {
    const name = clusterName('inbound', target.targetPort, '', '');
    const services = servicesOnPort(push, ips, target.targetPort, target.service);
    const c = create(clusterV3.ClusterSchema, {
      name,
      clusterDiscoveryType: { case: 'type', value: localhost ? clusterV3.Cluster_DiscoveryType.STATIC : clusterV3.Cluster_DiscoveryType.ORIGINAL_DST },
      commonLbConfig: {},
      altStatName: clusterStatName(push.mesh.inboundClusterStatName, target.service, '', target.port, target.targetPort) ?? `${name};`,
      metadata: istioMetadata({ services: services.map(serviceMetadata) }),
    });
    if (localhost) {
      c.loadAssignment = create(endpointV3.ClusterLoadAssignmentSchema, {
        clusterName: name,
        endpoints: [{ lbEndpoints: [{ hostIdentifier: { case: 'endpoint', value: { address: socketAddress(v6Only ? '::1' : '127.0.0.1', target.targetPort) } } }] }],
      });
    } else {
      c.cleanupInterval = create(DurationSchema, { seconds: MAX_CLEANUP_INTERVAL_SECONDS });
      c.lbPolicy = clusterV3.Cluster_LbPolicy.CLUSTER_PROVIDED;
      c.upstreamBindConfig = bindConfig(v6Only ? INBOUND_PASSTHROUGH_BIND_IPV6 : INBOUND_PASSTHROUGH_BIND_IPV4);
    }
    const draft = clusterDraft(c);
    setUpstreamProtocol(draft, target.port.protocol, proxy);
    const dr = push.destinationRule(proxy.namespace, target.service.hostname, proxy.labels);
    const drConfig = dr?.configs[0];
    const policy = dr?.trafficPolicy ? portLevelPolicy(dr.trafficPolicy, target.port.port).policy : undefined;
    if (drConfig && dr?.trafficPolicy) {
      c.metadata!.filterMetadata['istio']!['config'] = configMetadataPath('DestinationRule', drConfig.apiVersion, drConfig.metadata.namespace, drConfig.metadata.name);
    }
    applyConnectionPool(draft, policy?.connectionPool, push.mesh, (m) => warn(drConfig ? `DestinationRule ${drConfig.metadata.namespace}/${drConfig.metadata.name}` : target.service.configKey, m));
    return finishCluster(draft);
  });
}

/** The services with an endpoint on one of `ips` at `targetPort`, `primary` first (istiod's inbound services). */
function servicesOnPort(push: PushContext, ips: ReadonlySet<string>, targetPort: number, primary: ServiceModel): ServiceModel[] {
  const out = [primary];
  for (const service of servicesAt([...ips], push)) {
    if (service === primary || (service.registry !== 'Kubernetes' && service.resolution !== 'ClientSideLB')) continue;
    const serves = service.ports.some((p) => push.endpoints(service.hostname, p.port).some((e) => e.port === targetPort && ips.has(e.address)));
    if (serves) out.push(service);
  }
  return out;
}
