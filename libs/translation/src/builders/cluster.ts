import { create } from '@bufbuild/protobuf';
import { clusterV3, coreV3, upstreamHttpV3, udpaTypeV1, tlsV3, rawBufferV3 } from '@minipilot/envoy-api';

const h1 = (): coreV3.Http1ProtocolOptions => create(coreV3.Http1ProtocolOptionsSchema, {});
const h2 = (): coreV3.Http2ProtocolOptions => create(coreV3.Http2ProtocolOptionsSchema, {});
import { adsConfigSource, millis, typed } from './common.js';

/** Envoy's "no limit" for circuit-breaker thresholds, as istiod sets them by default. */
export const MAX_UINT32 = 4294967295;

/** The `typed_extension_protocol_options` key of upstream HTTP options. */
export const HTTP_PROTOCOL_OPTIONS_KEY = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

/**
 * A cluster under construction: the Cluster message plus the upstream HttpProtocolOptions that are
 * packed into `typed_extension_protocol_options` by {@link finishCluster} (istiod's clusterWrapper).
 */
export interface ClusterDraft {
  readonly cluster: clusterV3.Cluster;
  http: upstreamHttpV3.HttpProtocolOptions | undefined;
}

/** Starts a {@link ClusterDraft} around `cluster`. */
export function clusterDraft(cluster: clusterV3.Cluster): ClusterDraft {
  return { cluster, http: undefined };
}

/** The draft's HttpProtocolOptions, created empty on first use. */
export function httpOptionsOf(draft: ClusterDraft): upstreamHttpV3.HttpProtocolOptions {
  draft.http ??= create(upstreamHttpV3.HttpProtocolOptionsSchema, {});
  return draft.http;
}

/**
 * Returns the finished Cluster: HttpProtocolOptions (if any) packed under their extension key, with
 * explicit HTTP/1.1 when nothing chose an upstream protocol (Envoy requires one).
 */
export function finishCluster(draft: ClusterDraft): clusterV3.Cluster {
  const http = draft.http;
  if (http) {
    if (http.upstreamProtocolOptions.case === undefined) {
      http.upstreamProtocolOptions = { case: 'explicitHttpConfig', value: create(upstreamHttpV3.HttpProtocolOptions_ExplicitHttpConfigSchema, { protocolConfig: { case: 'httpProtocolOptions', value: h1() } }) };
    }
    draft.cluster.typedExtensionProtocolOptions = { [HTTP_PROTOCOL_OPTIONS_KEY]: typed(upstreamHttpV3.HttpProtocolOptionsSchema, http) };
  }
  return draft.cluster;
}

/** Makes the draft an explicit HTTP/2 cluster (`explicit_http_config.http2_protocol_options {}`). */
export function setExplicitHttp2(draft: ClusterDraft): void {
  httpOptionsOf(draft).upstreamProtocolOptions = { case: 'explicitHttpConfig', value: create(upstreamHttpV3.HttpProtocolOptions_ExplicitHttpConfigSchema, { protocolConfig: { case: 'http2ProtocolOptions', value: h2() } }) };
}

/** Makes the draft follow the downstream protocol (HTTP/1.1 or HTTP/2), as sniffed ports need. */
export function setUseDownstreamProtocol(draft: ClusterDraft): void {
  httpOptionsOf(draft).upstreamProtocolOptions = { case: 'useDownstreamProtocolConfig', value: create(upstreamHttpV3.HttpProtocolOptions_UseDownstreamHttpConfigSchema, { httpProtocolOptions: {}, http2ProtocolOptions: {} }) };
}

/** True if the draft's upstream is explicit HTTP/2. */
export function isHttp2Draft(draft: ClusterDraft): boolean {
  const u = draft.http?.upstreamProtocolOptions;
  return u?.case === 'explicitHttpConfig' && u.value.protocolConfig.case === 'http2ProtocolOptions';
}

/** The EDS settings istiod uses: the CLA named like the cluster, over ADS, no initial fetch wait. */
export function edsClusterConfig(name: string): clusterV3.Cluster_EdsClusterConfig {
  return create(clusterV3.Cluster_EdsClusterConfigSchema, { serviceName: name, edsConfig: adsConfigSource(millis(0)) });
}

/** istiod's default circuit breakers: every threshold at the maximum, with remaining-capacity tracking. */
export function defaultCircuitBreakers(overrides: Partial<Record<'maxConnections' | 'maxPendingRequests' | 'maxRequests' | 'maxRetries', number>> = {}): clusterV3.CircuitBreakers {
  return create(clusterV3.CircuitBreakersSchema, {
    thresholds: [{
      maxConnections: overrides.maxConnections ?? MAX_UINT32,
      maxPendingRequests: overrides.maxPendingRequests ?? MAX_UINT32,
      maxRequests: overrides.maxRequests ?? MAX_UINT32,
      maxRetries: overrides.maxRetries ?? MAX_UINT32,
      trackRemaining: true,
    }],
  });
}

/**
 * The `istio.metadata_exchange` cluster filter (istio-proxy only: a TypedStruct for
 * `envoy.tcp.metadataexchange.config.MetadataExchange`, which stock Envoy does not have).
 */
export function metadataExchangeClusterFilter(): clusterV3.Filter {
  return create(clusterV3.FilterSchema, {
    name: 'istio.metadata_exchange',
    typedConfig: typed(udpaTypeV1.TypedStructSchema, {
      typeUrl: 'type.googleapis.com/envoy.tcp.metadataexchange.config.MetadataExchange',
      value: { protocol: 'istio-peer-exchange', enable_discovery: true },
    }),
  });
}

/** The SDS cluster istio-agent serves in the istio-proxy bootstrap (workload certs, file certs). */
export const AGENT_SDS_CLUSTER = 'sds-grpc';

/**
 * An SDS secret reference. `agent`: fetched from istio-agent's `sds-grpc` cluster (`default`,
 * `ROOTCA`, `file-cert:...`, `file-root:...`; istiod sets no initial fetch wait for the first
 * two); `ads`: fetched from the control plane over ADS (`kubernetes://...`).
 */
export function sdsSecretConfig(name: string, source: 'agent' | 'ads'): tlsV3.SdsSecretConfig {
  if (source === 'ads') return create(tlsV3.SdsSecretConfigSchema, { name, sdsConfig: adsConfigSource() });
  const workload = name === 'default' || name === 'ROOTCA';
  return create(tlsV3.SdsSecretConfigSchema, {
    name,
    sdsConfig: {
      configSourceSpecifier: {
        case: 'apiConfigSource',
        value: {
          apiType: coreV3.ApiConfigSource_ApiType.GRPC,
          setNodeOnFirstMessageOnly: true,
          transportApiVersion: coreV3.ApiVersion.V3,
          grpcServices: [{ targetSpecifier: { case: 'envoyGrpc', value: { clusterName: AGENT_SDS_CLUSTER } } }],
        },
      },
      resourceApiVersion: coreV3.ApiVersion.V3,
      ...(workload ? { initialFetchTimeout: millis(0) } : {}),
    },
  });
}

/** The `envoy.transport_sockets.tls` transport socket around an UpstreamTlsContext. */
export function upstreamTlsSocket(context: tlsV3.UpstreamTlsContext): coreV3.TransportSocket {
  return create(coreV3.TransportSocketSchema, {
    name: 'envoy.transport_sockets.tls',
    configType: { case: 'typedConfig', value: typed(tlsV3.UpstreamTlsContextSchema, context) },
  });
}

/** The plaintext `envoy.transport_sockets.raw_buffer` transport socket. */
export function rawBufferSocket(): coreV3.TransportSocket {
  return create(coreV3.TransportSocketSchema, {
    name: 'envoy.transport_sockets.raw_buffer',
    configType: { case: 'typedConfig', value: typed(rawBufferV3.RawBufferSchema, {}) },
  });
}

/** An `upstream_bind_config` binding outgoing connections to `address` (port 0: any). */
export function bindConfig(address: string): coreV3.BindConfig {
  return create(coreV3.BindConfigSchema, { sourceAddress: { address, portSpecifier: { case: 'portValue', value: 0 } } });
}
