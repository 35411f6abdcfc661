import { create } from '@bufbuild/protobuf';
import { clusterV3, coreV3, typeV3 } from '@minipilot/envoy-api';
import type { TrafficPolicy, ConnectionPoolSettings, OutlierDetection, LoadBalancerSettings, MeshConfig, TcpKeepalive } from '@minipilot/config';
import { parseDuration } from '@minipilot/config';
import { defaultCircuitBreakers, httpOptionsOf, setExplicitHttp2, setUseDownstreamProtocol, type ClusterDraft } from '../builders/cluster.js';
import { duration } from '../builders/common.js';
import { isHttpProtocol, type Protocol } from '../model/protocol.js';

/** Reports a problem with a DestinationRule field; the message names the field. */
export type PolicyWarn = (message: string) => void;

/**
 * The policy a port gets from a top-level policy: a matching `portLevelSettings` entry REPLACES
 * the four components (connectionPool, loadBalancer, outlierDetection, tls); unset ones fall back
 * to defaults, nothing is inherited. Returns whether a port-level entry matched.
 */
export function portLevelPolicy(policy: TrafficPolicy | undefined, port: number): { policy: TrafficPolicy | undefined; portLevel: boolean } {
  const pl = policy?.portLevelSettings?.find((s) => s.port?.number === port);
  if (!pl) return { policy, portLevel: false };
  const { port: _port, ...components } = pl;
  return { policy: components, portLevel: true };
}

/**
 * istiod's policy precedence for one port of one subset (MergeSubsetTrafficPolicy): the top-level
 * policy after port-level replacement, then per component the subset's policy (after its own
 * port-level replacement). If the subset has a matching port-level entry, all four components
 * come from it, even unset ones.
 */
export function effectivePolicy(top: TrafficPolicy | undefined, subset: TrafficPolicy | undefined, port: number): TrafficPolicy | undefined {
  const base = portLevelPolicy(top, port).policy;
  if (!subset) return base;
  const { policy: sub, portLevel } = portLevelPolicy(subset, port);
  if (!base) return sub;
  const merged: TrafficPolicy = { ...base };
  delete merged.portLevelSettings;
  const take = <K extends 'connectionPool' | 'outlierDetection' | 'loadBalancer' | 'tls'>(k: K): void => {
    if (sub?.[k] !== undefined || portLevel) {
      if (sub?.[k] === undefined) delete merged[k];
      else merged[k] = sub[k];
    }
  };
  take('connectionPool');
  take('outlierDetection');
  take('loadBalancer');
  take('tls');
  if (sub?.tunnel) merged.tunnel = sub.tunnel;
  if (sub?.proxyProtocol) merged.proxyProtocol = sub.proxyProtocol;
  return merged;
}

/**
 * Applies connectionPool (istiod's applyConnectionPool, always called so defaults apply): connect
 * timeout (DR over mesh `connectTimeout`), circuit-breaker thresholds (zero means unset), TCP
 * keepalive (mesh `tcpKeepalive`, overridden field by field by the DR's), and the common HTTP
 * options (idle timeout, max requests per connection, max connection duration).
 */
export function applyConnectionPool(draft: ClusterDraft, pool: ConnectionPoolSettings | undefined, mesh: MeshConfig, warn: PolicyWarn): void {
  const c = draft.cluster;
  const http = pool?.http;
  const tcp = pool?.tcp;
  c.connectTimeout = duration(mesh.connectTimeout);
  if (tcp?.connectTimeout !== undefined) {
    if (positive(tcp.connectTimeout)) c.connectTimeout = duration(tcp.connectTimeout);
    else warn(`connectionPool.tcp.connectTimeout ${JSON.stringify(tcp.connectTimeout)} must be > 0; using the mesh connectTimeout ${mesh.connectTimeout}`);
  }
  const pos = (n: number | undefined): number | undefined => (n !== undefined && n > 0 ? n : undefined);
  const thresholds: Partial<Record<'maxConnections' | 'maxPendingRequests' | 'maxRequests' | 'maxRetries', number>> = {};
  const set = (k: keyof typeof thresholds, v: number | undefined): void => { if (v !== undefined) thresholds[k] = v; };
  set('maxRequests', pos(http?.http2MaxRequests));
  set('maxPendingRequests', pos(http?.http1MaxPendingRequests));
  set('maxRetries', pos(http?.maxRetries));
  set('maxConnections', pos(tcp?.maxConnections));
  c.circuitBreakers = defaultCircuitBreakers(thresholds);
  applyTcpKeepalive(c, mesh.tcpKeepalive, tcp?.tcpKeepalive);
  const idleTimeout = http?.idleTimeout ?? tcp?.idleTimeout;
  const maxRequestsPerConnection = pos(http?.maxRequestsPerConnection);
  const maxConcurrentStreams = pos(http?.maxConcurrentStreams);
  const maxConnectionDuration = tcp?.maxConnectionDuration;
  if (idleTimeout !== undefined || maxRequestsPerConnection !== undefined || maxConnectionDuration !== undefined || maxConcurrentStreams !== undefined) {
    const options = httpOptionsOf(draft);
    options.commonHttpProtocolOptions ??= create(coreV3.HttpProtocolOptionsSchema, {});
    const common = options.commonHttpProtocolOptions;
    if (idleTimeout !== undefined) common.idleTimeout = duration(idleTimeout);
    if (maxRequestsPerConnection !== undefined) common.maxRequestsPerConnection = maxRequestsPerConnection;
    if (maxConnectionDuration !== undefined) common.maxConnectionDuration = duration(maxConnectionDuration);
    const u = options.upstreamProtocolOptions;
    if (maxConcurrentStreams !== undefined && u.case === 'explicitHttpConfig' && u.value.protocolConfig.case === 'http2ProtocolOptions') {
      u.value.protocolConfig.value.maxConcurrentStreams = maxConcurrentStreams;
    }
  }
  if (http?.useClientProtocol) setUseDownstreamProtocol(draft);
}

/**
 * istiod's applyTCPKeepalive: the mesh-wide `tcpKeepalive` first, then the DestinationRule's
 * `connectionPool.tcp.tcpKeepalive` overriding the fields it sets. Either one present gives
 * `upstream_connection_options.tcp_keepalive` (empty = SO_KEEPALIVE with the OS defaults);
 * probes count when > 0, time and interval in whole seconds.
 */
export function applyTcpKeepalive(c: clusterV3.Cluster, ...settings: (TcpKeepalive | undefined)[]): void {
  for (const k of settings) {
    if (!k) continue;
    c.upstreamConnectionOptions ??= create(clusterV3.UpstreamConnectionOptionsSchema, { tcpKeepalive: {} });
    const out = (c.upstreamConnectionOptions.tcpKeepalive ??= create(coreV3.TcpKeepaliveSchema, {}));
    if (k.probes !== undefined && k.probes > 0) out.keepaliveProbes = k.probes;
    if (k.time !== undefined) out.keepaliveTime = wholeSeconds(k.time);
    if (k.interval !== undefined) out.keepaliveInterval = wholeSeconds(k.interval);
  }
}

/**
 * Upgrades an HTTP cluster to HTTP/2 when connectionPool.http.h2UpgradePolicy is UPGRADE, or when
 * the mesh `h2UpgradePolicy` is UPGRADE for an HTTP port the DR does not exempt (DO_NOT_UPGRADE).
 */
export function applyH2Upgrade(draft: ClusterDraft, protocol: Protocol, pool: ConnectionPoolSettings | undefined, mesh: MeshConfig): void {
  const override = pool?.http?.h2UpgradePolicy;
  if (override === 'UPGRADE') return setExplicitHttp2(draft);
  if (override === 'DO_NOT_UPGRADE' || !isHttpProtocol(protocol)) return;
  if (mesh.h2UpgradePolicy === 'UPGRADE') setExplicitHttp2(draft);
}

/**
 * Applies outlierDetection (istiod's applyOutlierDetection): success-rate ejection off, consecutive
 * 5xx / gateway errors enforced at 100% when non-zero, interval, base ejection time, max ejection
 * percent, local-origin split; and panic mode off (`healthy_panic_threshold` = minHealthPercent, 0).
 */
export function applyOutlierDetection(c: clusterV3.Cluster, od: OutlierDetection | undefined): void {
  if (!od) return;
  const out = create(clusterV3.OutlierDetectionSchema, { enforcingSuccessRate: 0 });
  if (od.consecutive5xxErrors !== undefined) {
    out.consecutive5xx = od.consecutive5xxErrors;
    out.enforcingConsecutive5xx = od.consecutive5xxErrors > 0 ? 100 : 0;
  }
  if (od.consecutiveGatewayErrors !== undefined) {
    out.consecutiveGatewayFailure = od.consecutiveGatewayErrors;
    out.enforcingConsecutiveGatewayFailure = od.consecutiveGatewayErrors > 0 ? 100 : 0;
  }
  if (od.interval !== undefined) out.interval = duration(od.interval);
  if (od.baseEjectionTime !== undefined) out.baseEjectionTime = duration(od.baseEjectionTime);
  if (od.maxEjectionPercent !== undefined && od.maxEjectionPercent > 0) out.maxEjectionPercent = od.maxEjectionPercent;
  if (od.splitExternalLocalOriginErrors) {
    out.splitExternalLocalOriginErrors = true;
    if (od.consecutiveLocalOriginFailures !== undefined && od.consecutiveLocalOriginFailures > 0) {
      out.consecutiveLocalOriginFailure = od.consecutiveLocalOriginFailures;
      out.enforcingConsecutiveLocalOriginFailure = 100;
    }
    out.enforcingLocalOriginSuccessRate = 0;
  }
  c.outlierDetection = out;
  const minHealth = od.minHealthPercent ?? 0;
  if (minHealth >= 0) {
    c.commonLbConfig ??= create(clusterV3.Cluster_CommonLbConfigSchema, {});
    c.commonLbConfig.healthyPanicThreshold = create(typeV3.PercentSchema, { value: minHealth });
  }
}

/**
 * Applies loadBalancer (istiod's applyLoadBalancer): ORIGINAL_DST clusters keep CLUSTER_PROVIDED;
 * `simple` picks LEAST_REQUEST (default), ROUND_ROBIN or RANDOM, warmup adds `slow_start_config`;
 * `consistentHash` picks RING_HASH (ringHash or the legacy minimumRingSize, default 1024) or
 * MAGLEV. Proxyless gRPC (`grpc`) only accepts ROUND_ROBIN and RING_HASH: other choices are
 * downgraded with a warning.
 */
export function applyLoadBalancer(c: clusterV3.Cluster, lb: LoadBalancerSettings | undefined, grpc: boolean, warn: PolicyWarn): void {
  const P = clusterV3.Cluster_LbPolicy;
  if (c.clusterDiscoveryType.case === 'type' && c.clusterDiscoveryType.value === clusterV3.Cluster_DiscoveryType.ORIGINAL_DST) {
    c.lbPolicy = P.CLUSTER_PROVIDED;
    return;
  }
  const warmup = lb?.warmup?.duration ?? lb?.warmupDurationSecs;
  const slowStart = warmup !== undefined && !grpc ? { slowStartConfig: { slowStartWindow: duration(warmup) } } : undefined;
  switch (lb?.simple) {
    case 'RANDOM':
      c.lbPolicy = P.RANDOM;
      break;
    case 'ROUND_ROBIN':
      c.lbPolicy = P.ROUND_ROBIN;
      if (slowStart) c.lbConfig = { case: 'roundRobinLbConfig', value: create(clusterV3.Cluster_RoundRobinLbConfigSchema, slowStart) };
      break;
    default:
      c.lbPolicy = P.LEAST_REQUEST;
      if (slowStart) c.lbConfig = { case: 'leastRequestLbConfig', value: create(clusterV3.Cluster_LeastRequestLbConfigSchema, slowStart) };
  }
  const ch = lb?.consistentHash;
  if (ch?.maglev && !grpc) {
    c.lbPolicy = P.MAGLEV;
    c.lbConfig = ch.maglev.tableSize ? { case: 'maglevLbConfig', value: create(clusterV3.Cluster_MaglevLbConfigSchema, { tableSize: BigInt(ch.maglev.tableSize) }) } : { case: undefined };
  } else if (ch?.ringHash || (ch?.maglev && grpc)) {
    if (ch.maglev) warn('loadBalancer.consistentHash.maglev is not supported by proxyless gRPC; using RING_HASH');
    c.lbPolicy = P.RING_HASH;
    const size = ch.ringHash?.minimumRingSize;
    c.lbConfig = size ? { case: 'ringHashLbConfig', value: create(clusterV3.Cluster_RingHashLbConfigSchema, { minimumRingSize: BigInt(size) }) } : { case: undefined };
  } else if (ch) {
    c.lbPolicy = P.RING_HASH;
    c.lbConfig = { case: 'ringHashLbConfig', value: create(clusterV3.Cluster_RingHashLbConfigSchema, { minimumRingSize: BigInt(ch.minimumRingSize || 1024) }) };
  }
  if (grpc && c.lbPolicy !== P.RING_HASH && c.lbPolicy !== P.ROUND_ROBIN) {
    if (lb?.simple && lb.simple !== 'UNSPECIFIED') warn(`loadBalancer.simple ${lb.simple} is not supported by proxyless gRPC; using ROUND_ROBIN`);
    c.lbPolicy = P.ROUND_ROBIN;
    c.lbConfig = { case: undefined };
  }
}

function positive(text: string): boolean {
  const d = parseDuration(text);
  return d !== undefined && (d.seconds > 0n || (d.seconds === 0n && d.nanos > 0));
}

function wholeSeconds(text: string): number {
  return Number(parseDuration(text)?.seconds ?? 0n);
}
