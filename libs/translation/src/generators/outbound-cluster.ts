import { create, type JsonObject } from '@bufbuild/protobuf';
import { clusterV3 } from '@minipilot/envoy-api';
import { clusterDraft, edsClusterConfig, finishCluster, metadataExchangeClusterFilter, setExplicitHttp2, setUseDownstreamProtocol, type ClusterDraft } from '../builders/cluster.js';
import { duration, istioMetadata } from '../builders/common.js';
import { configMetadataPath } from '../names.js';
import { isHttp2Protocol, type Protocol } from '../model/protocol.js';
import { applyConnectionPool, applyH2Upgrade, applyLoadBalancer, applyOutlierDetection, type PolicyWarn } from './cluster-traffic-policy.js';
import { applyUpstreamTls, dnsSrvSubsetKey } from './cluster-tls.js';
import { refLoadAssignment } from './endpoints.js';
import { localityLbPlan, wantsLocalityWeightedLbConfig } from './locality-lb.js';
import { clusterStatName } from './cluster-stat-name.js';
import { serviceMtlsMode } from './auto-mtls.js';
import { refEndpoints, type OutboundClusterRef } from './outbound-cluster-refs.js';
import { serviceAccountsOf, serviceEntryPort } from './service-identity.js';
import type { PushContext } from '../model/push-context.js';
import type { ServiceModel } from '../model/service.js';
import type { IpFamily, ProxyView } from '../proxy.js';

const D = clusterV3.Cluster_DiscoveryType;

/** Reports a problem found while building clusters: `source` names the config object, `message` the field. */
export type ClusterWarn = (source: string, message: string) => void;

/**
 * Builds one outbound cluster as istiod does (buildCluster + applyDestinationRule), or undefined for
 * a DNS cluster without endpoints (istiod drops those). Fields: discovery type, `common_lb_config`,
 * `alt_stat_name` `NAME;` (or the mesh `outboundClusterStatName` pattern), DNS settings and inline `load_assignment` for DNS types, EDS over ADS,
 * upstream protocol (h2/gRPC ports explicit HTTP/2; sniffed ports on sidecars follow the
 * downstream), the DestinationRule policy (connection pool with istiod's default circuit
 * breakers, h2 upgrade, outlier detection, load balancer, `locality_weighted_lb_config` when
 * locality load balancing uses failover or distribute, TLS; DNS load assignments get the proxy's
 * locality priorities and weights like EDS ones), `istio` metadata (services,
 * config, subset, external, alpn_override) and, for istio-proxy only, the metadata-exchange filter.
 */
export function buildOutboundCluster(ref: OutboundClusterRef, proxy: ProxyView, push: PushContext, warn: ClusterWarn): clusterV3.Cluster | undefined {
  const { service, port } = ref;
  const grpc = proxy.generator === 'grpc';
  const drConfig = ref.destinationRule?.configs[0];
  const drSource = drConfig ? `DestinationRule ${drConfig.metadata.namespace}/${drConfig.metadata.name}` : service.configKey;
  const policyWarn: PolicyWarn = (m) => warn(drSource, m);
  const c = create(clusterV3.ClusterSchema, {
    name: ref.name,
    clusterDiscoveryType: { case: 'type', value: D[ref.discovery] },
    commonLbConfig: {},
    altStatName: clusterStatName(push.mesh.outboundClusterStatName, service, ref.subset, port, 0) ?? `${ref.name};`,
  });
  if (ref.discovery === 'STRICT_DNS' || ref.discovery === 'LOGICAL_DNS') {
    let endpoints = refEndpoints(ref, push);
    if (endpoints.length === 0) return undefined;
    if (ref.discovery === 'LOGICAL_DNS' && endpoints.length > 1) {
      warn(service.configKey, `a LOGICAL_DNS cluster takes exactly one endpoint; ${ref.name} uses ${endpoints[0]!.address} of ${endpoints.length}`);
      endpoints = endpoints.slice(0, 1);
    }
    c.dnsLookupFamily = dnsLookupFamily(proxy.ipFamily);
    c.dnsRefreshRate = duration(push.mesh.dnsRefreshRate);
    c.respectDnsTtl = true;
    c.loadAssignment = refLoadAssignment(ref, endpoints, proxy, push);
  } else if (ref.discovery === 'ORIGINAL_DST') {
    const targetPort = serviceEntryPort(service, port.port, push)?.targetPort;
    if (targetPort) c.lbConfig = { case: 'originalDstLbConfig', value: create(clusterV3.Cluster_OriginalDstLbConfigSchema, { upstreamPortOverride: targetPort }) };
  }
  const draft = clusterDraft(c);
  if (!grpc) setUpstreamProtocol(draft, port.protocol, proxy);
  c.metadata = istioMetadata({ services: [serviceMetadata(service)] });

  const policy = ref.policy;
  applyConnectionPool(draft, policy?.connectionPool, push.mesh, policyWarn);
  applyH2Upgrade(draft, port.protocol, policy?.connectionPool, push.mesh);
  applyOutlierDetection(c, policy?.outlierDetection);
  applyLoadBalancer(c, policy?.loadBalancer, grpc, policyWarn);
  if (wantsLocalityWeightedLbConfig(localityLbPlan(policy, push.mesh))) {
    c.commonLbConfig!.localityConfigSpecifier = { case: 'localityWeightedLbConfig', value: create(clusterV3.Cluster_CommonLbConfig_LocalityWeightedLbConfigSchema, {}) };
  }
  applyUpstreamTls(draft, {
    proxy, mesh: push.mesh, tls: policy?.tls, sni: dnsSrvSubsetKey(port.port, ref.subset, service.hostname),
    serviceAccounts: serviceAccountsOf(service, push), meshExternal: service.meshExternal, registry: service.registry,
    drWithSelector: ref.destinationRule?.workloadSelector ?? false, serviceMtlsMode: serviceMtlsMode(service, port, policy, push), warn: policyWarn,
  });
  if (c.clusterDiscoveryType.case === 'type' && c.clusterDiscoveryType.value === D.ORIGINAL_DST) c.lbPolicy = clusterV3.Cluster_LbPolicy.CLUSTER_PROVIDED;
  if (ref.discovery === 'EDS') c.edsClusterConfig = edsClusterConfig(ref.name);
  if (proxy.istioProxy && !grpc) c.filters = [metadataExchangeClusterFilter()];

  const istio = c.metadata.filterMetadata['istio']!;
  if (service.meshExternal && !ref.subset) istio['external'] = true;
  if (drConfig) istio['config'] = configMetadataPath('DestinationRule', drConfig.apiVersion, drConfig.metadata.namespace, drConfig.metadata.name);
  if (ref.subset) istio['subset'] = ref.subset;
  if (drConfig && (policy?.tls?.mode === 'SIMPLE' || policy?.tls?.mode === 'MUTUAL')) istio['alpn_override'] = 'false';
  if (grpc) draft.http = undefined;
  return finishCluster(draft);
}

/** The `istio.services` metadata entry of a service: `{host, name, namespace}`. */
export function serviceMetadata(service: ServiceModel): JsonObject {
  return { host: service.hostname, name: service.name, namespace: service.namespace };
}

/**
 * istiod's setUpstreamProtocol: HTTP/2 and gRPC ports get explicit HTTP/2; unnamed (sniffed) ports
 * on sidecars follow the downstream protocol; gateways never sniff.
 */
export function setUpstreamProtocol(draft: ClusterDraft, protocol: Protocol, proxy: Pick<ProxyView, 'type'>): void {
  if (isHttp2Protocol(protocol)) setExplicitHttp2(draft);
  else if (protocol === 'Unsupported' && proxy.type === 'sidecar') setUseDownstreamProtocol(draft);
}

/**
 * DNS lookup family from the proxy's IPs: V6_ONLY when all are IPv6, else V4_ONLY (istiod without
 * its dual-stack feature flag, which is off by default).
 */
export function dnsLookupFamily(family: IpFamily): clusterV3.Cluster_DnsLookupFamily {
  const F = clusterV3.Cluster_DnsLookupFamily;
  return family === 'v6' ? F.V6_ONLY : F.V4_ONLY;
}
