import { z } from 'zod';
import { message, stringMap, int, duration } from '../schema-helpers.js';
import { PortSelector, WorkloadSelector } from './common.js';

/** istio.networking.v1.LoadBalancerSettings.ConsistentHashLB. */
export const ConsistentHashLB = message({
  httpHeaderName: z.string().optional(),
  httpCookie: message({
    name: z.string().optional(),
    path: z.string().optional(),
    ttl: duration.optional(),
    attributes: z.array(message({ name: z.string().optional(), value: z.string().optional() })).optional(),
  }).optional(),
  useSourceIp: z.boolean().optional(),
  httpQueryParameterName: z.string().optional(),
  ringHash: message({ minimumRingSize: int.optional() }).optional(),
  maglev: message({ tableSize: int.optional() }).optional(),
  minimumRingSize: int.optional(),
});
export type ConsistentHashLB = z.infer<typeof ConsistentHashLB>;

/** istio.networking.v1.LocalityLoadBalancerSetting. */
export const LocalityLoadBalancerSetting = message({
  distribute: z.array(message({ from: z.string().optional(), to: z.record(z.string(), int).optional() })).optional(),
  failover: z.array(message({ from: z.string().optional(), to: z.string().optional() })).optional(),
  failoverPriority: z.array(z.string()).optional(),
  enabled: z.boolean().optional(),
});
export type LocalityLoadBalancerSetting = z.infer<typeof LocalityLoadBalancerSetting>;

/** istio.networking.v1.LoadBalancerSettings. */
export const LoadBalancerSettings = message({
  simple: z.enum(['UNSPECIFIED', 'LEAST_CONN', 'RANDOM', 'PASSTHROUGH', 'ROUND_ROBIN', 'LEAST_REQUEST']).optional(),
  consistentHash: ConsistentHashLB.optional(),
  localityLbSetting: LocalityLoadBalancerSetting.optional(),
  zoneAwareLbSetting: LocalityLoadBalancerSetting.optional(),
  warmupDurationSecs: duration.optional(),
  warmup: message({ duration: duration.optional(), minimumPercent: z.number().optional(), aggression: z.number().optional() }).optional(),
});
export type LoadBalancerSettings = z.infer<typeof LoadBalancerSettings>;

/** istio.networking.v1.ConnectionPoolSettings.TCPSettings.TcpKeepalive (also MeshConfig.tcpKeepalive). */
export const TcpKeepalive = message({ probes: int.optional(), time: duration.optional(), interval: duration.optional() });
export type TcpKeepalive = z.infer<typeof TcpKeepalive>;

/** istio.networking.v1.ConnectionPoolSettings. */
export const ConnectionPoolSettings = message({
  tcp: message({
    maxConnections: int.optional(),
    connectTimeout: duration.optional(),
    tcpKeepalive: TcpKeepalive.optional(),
    maxConnectionDuration: duration.optional(),
    idleTimeout: duration.optional(),
  }).optional(),
  http: message({
    http1MaxPendingRequests: int.optional(),
    http2MaxRequests: int.optional(),
    maxRequestsPerConnection: int.optional(),
    maxRetries: int.optional(),
    idleTimeout: duration.optional(),
    h2UpgradePolicy: z.enum(['DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE']).optional(),
    useClientProtocol: z.boolean().optional(),
    maxConcurrentStreams: int.optional(),
    http2KeepAlive: message({ time: duration.optional(), interval: duration.optional(), timeout: duration.optional() }).optional(),
  }).optional(),
});
export type ConnectionPoolSettings = z.infer<typeof ConnectionPoolSettings>;

/** istio.networking.v1.OutlierDetection. */
export const OutlierDetection = message({
  consecutiveErrors: int.optional(),
  splitExternalLocalOriginErrors: z.boolean().optional(),
  consecutiveLocalOriginFailures: int.optional(),
  consecutiveGatewayErrors: int.optional(),
  consecutive5xxErrors: int.optional(),
  interval: duration.optional(),
  baseEjectionTime: duration.optional(),
  maxEjectionPercent: int.optional(),
  minHealthPercent: int.optional(),
});
export type OutlierDetection = z.infer<typeof OutlierDetection>;

/** istio.networking.v1.ClientTLSSettings. */
export const ClientTLSSettings = message({
  mode: z.enum(['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL']).optional(),
  clientCertificate: z.string().optional(),
  privateKey: z.string().optional(),
  caCertificates: z.string().optional(),
  credentialName: z.string().optional(),
  subjectAltNames: z.array(z.string()).optional(),
  sni: z.string().optional(),
  insecureSkipVerify: z.boolean().optional(),
  caCrl: z.string().optional(),
});
export type ClientTLSSettings = z.infer<typeof ClientTLSSettings>;

const policyFields = {
  loadBalancer: LoadBalancerSettings.optional(),
  connectionPool: ConnectionPoolSettings.optional(),
  outlierDetection: OutlierDetection.optional(),
  tls: ClientTLSSettings.optional(),
};

/** istio.networking.v1.TrafficPolicy.PortTrafficPolicy. */
export const PortTrafficPolicy = message({ port: PortSelector.optional(), ...policyFields });
export type PortTrafficPolicy = z.infer<typeof PortTrafficPolicy>;

/** istio.networking.v1.TrafficPolicy. */
export const TrafficPolicy = message({
  ...policyFields,
  portLevelSettings: z.array(PortTrafficPolicy).optional(),
  tunnel: message({ protocol: z.string().optional(), targetHost: z.string().optional(), targetPort: int.optional() }).optional(),
  proxyProtocol: message({ version: z.enum(['V1', 'V2']).optional() }).optional(),
  retryBudget: message({ percent: message({ value: z.number().optional() }).optional(), minRetryConcurrency: int.optional() }).optional(),
});
export type TrafficPolicy = z.infer<typeof TrafficPolicy>;

/** istio.networking.v1.Subset. */
export const Subset = message({ name: z.string(), labels: stringMap.optional(), trafficPolicy: TrafficPolicy.optional() });
export type Subset = z.infer<typeof Subset>;

/** istio.networking.v1.DestinationRule (the spec). */
export const DestinationRule = message({
  host: z.string(),
  trafficPolicy: TrafficPolicy.optional(),
  subsets: z.array(Subset).optional(),
  exportTo: z.array(z.string()).optional(),
  workloadSelector: WorkloadSelector.optional(),
});
export type DestinationRule = z.infer<typeof DestinationRule>;
