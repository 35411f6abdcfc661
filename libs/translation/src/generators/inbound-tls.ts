import { create } from '@bufbuild/protobuf';
import { coreV3, listenerV3, tlsV3, udpaTypeV1 } from '@minipilot/envoy-api';
import type { MeshConfig } from '@minipilot/config';
import { typed } from '../builders/common.js';
import { sdsSecretConfig } from '../builders/cluster.js';
import { listenerFilter } from '../builders/listener.js';
import { isHttpProtocol, type Protocol } from '../model/protocol.js';
import type { MtlsMode } from '../model/peer-authentication.js';

// istiod's inbound mTLS building blocks (pilot/pkg/networking/core/filterchain_options.go,
// listener.go ALPN lists, pilot/pkg/security/authn/utils/utils.go BuildInboundTLS,
// pilot/pkg/xds/filters TCPListenerMx, listener_inbound.go populateListenerFilters).

/** How a chain's network filters treat the connection: an HTTP connection manager, or tcp_proxy. */
export type ChainProtocol = 'HTTP' | 'TCP';

/** istiod's ListenerProtocol of an inbound port: HTTP, TCP, or AUTO (sniffed: both an HTTP and a TCP chain). */
export type InboundListenerProtocol = ChainProtocol | 'AUTO';

/** One filter chain to build for a port (istiod's FilterChainMatchOptions). */
export interface ChainOption {
  readonly protocol: ChainProtocol;
  readonly transportProtocol: 'tls' | 'raw_buffer';
  /** `application_protocols` to match; empty: any. */
  readonly alpn: readonly string[];
  /** Whether the chain terminates (m)TLS with the workload certificate. */
  readonly tls: boolean;
}

/** ALPN of plaintext HTTP, as the outbound side's HTTP inspector reports it (HTTP/1.0 off, istiod's default). */
export const PLAINTEXT_HTTP_ALPNS: readonly string[] = ['http/1.1', 'h2c'];
/** ALPN a sidecar client sends for HTTP over mTLS (set by the `istio.alpn` filter). */
export const MTLS_HTTP_ALPNS: readonly string[] = ['istio-http/1.0', 'istio-http/1.1', 'istio-h2'];
/** Every ALPN a sidecar client may send over mTLS. */
export const ALL_ISTIO_MTLS_ALPNS: readonly string[] = ['istio', 'istio-peer-exchange', 'istio-http/1.0', 'istio-http/1.1', 'istio-h2'];
/** ALPN of TCP over mTLS with metadata exchange. */
export const MTLS_TCP_WITH_MXC_ALPNS: readonly string[] = ['istio-peer-exchange', 'istio'];

const opt = (protocol: ChainProtocol, transportProtocol: 'tls' | 'raw_buffer', alpn: readonly string[] = [], tls = false): ChainOption =>
  Object.freeze({ protocol, transportProtocol, alpn, tls });

const OPTIONS: Readonly<Record<InboundListenerProtocol, Readonly<Record<MtlsMode, readonly ChainOption[]>>>> = {
  HTTP: {
    STRICT: [opt('HTTP', 'tls', [], true)],
    // HTTP over mTLS, then plaintext HTTP; a port declared HTTP needs no simple-TLS chain.
    PERMISSIVE: [opt('HTTP', 'tls', ALL_ISTIO_MTLS_ALPNS, true), opt('HTTP', 'raw_buffer')],
    DISABLE: [opt('HTTP', 'raw_buffer')],
  },
  AUTO: {
    // HTTP detected by the client sidecar (istio-http/* ALPN), anything else over mTLS.
    STRICT: [opt('HTTP', 'tls', MTLS_HTTP_ALPNS, true), opt('TCP', 'tls', [], true)],
    PERMISSIVE: [
      opt('HTTP', 'tls', MTLS_HTTP_ALPNS, true),
      opt('HTTP', 'raw_buffer', PLAINTEXT_HTTP_ALPNS),
      opt('TCP', 'tls', MTLS_TCP_WITH_MXC_ALPNS, true),
      opt('TCP', 'raw_buffer'),
      // One-way TLS from a client without sidecar: passed through as TCP, not terminated.
      opt('TCP', 'tls'),
    ],
    DISABLE: [opt('HTTP', 'raw_buffer', PLAINTEXT_HTTP_ALPNS), opt('TCP', 'raw_buffer')],
  },
  TCP: {
    STRICT: [opt('TCP', 'tls', [], true)],
    PERMISSIVE: [opt('TCP', 'tls', ALL_ISTIO_MTLS_ALPNS, true), opt('TCP', 'tls'), opt('TCP', 'raw_buffer')],
    DISABLE: [opt('TCP', 'raw_buffer')],
  },
};

/** The filter chains istiod builds for a port of `protocol` under `mode` (getFilterChainMatchOptions). */
export function chainOptions(mode: MtlsMode, protocol: InboundListenerProtocol): readonly ChainOption[] {
  return OPTIONS[protocol][mode];
}

/** istiod's ModelProtocolToListenerProtocol for inbound ports: HTTP kinds, sniffed (AUTO), else TCP. */
export function inboundListenerProtocol(p: Protocol): InboundListenerProtocol {
  return isHttpProtocol(p) ? 'HTTP' : p === 'Unsupported' ? 'AUTO' : 'TCP';
}

/** istiod's default cipher suites for inbound mTLS (authn/utils SupportedCiphers). */
export const SUPPORTED_CIPHERS: readonly string[] = [
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'AES256-GCM-SHA384',
  'AES128-GCM-SHA256',
];

/**
 * The DownstreamTlsContext of an mTLS chain (istiod's BuildInboundTLS): client certificate
 * required, the workload certificate `default` and the root `ROOTCA` from istio-agent's SDS
 * (`sds-grpc`), peers accepted from the mesh's trust domain (`spiffe://<trustDomain>/` prefix),
 * TLS 1.2 to 1.3 with istiod's ciphers, ALPN `istio-peer-exchange, h2, http/1.1` on TCP chains
 * (metadata exchange) and `h2, http/1.1` on HTTP chains.
 */
export function inboundTlsContext(protocol: ChainProtocol, mesh: MeshConfig): tlsV3.DownstreamTlsContext {
  return create(tlsV3.DownstreamTlsContextSchema, {
    requireClientCertificate: true,
    commonTlsContext: {
      alpnProtocols: protocol === 'TCP' ? ['istio-peer-exchange', 'h2', 'http/1.1'] : ['h2', 'http/1.1'],
      tlsParams: {
        cipherSuites: [...SUPPORTED_CIPHERS],
        tlsMinimumProtocolVersion: tlsV3.TlsParameters_TlsProtocol.TLSv1_2,
        tlsMaximumProtocolVersion: tlsV3.TlsParameters_TlsProtocol.TLSv1_3,
      },
      tlsCertificateSdsSecretConfigs: [sdsSecretConfig('default', 'agent')],
      validationContextType: {
        case: 'combinedValidationContext',
        value: {
          defaultValidationContext: { matchSubjectAltNames: [{ matchPattern: { case: 'prefix', value: `spiffe://${mesh.trustDomain}/` } }] },
          validationContextSdsSecretConfig: sdsSecretConfig('ROOTCA', 'agent'),
        },
      },
    },
  });
}

/** The `envoy.transport_sockets.tls` transport socket of an inbound mTLS chain. */
export function inboundTlsSocket(protocol: ChainProtocol, mesh: MeshConfig): coreV3.TransportSocket {
  return create(coreV3.TransportSocketSchema, {
    name: 'envoy.transport_sockets.tls',
    configType: { case: 'typedConfig', value: typed(tlsV3.DownstreamTlsContextSchema, inboundTlsContext(protocol, mesh)) },
  });
}

/**
 * The `istio.metadata_exchange` network filter istiod puts first on every inbound chain of a sidecar
 * (TCPListenerMx: peer metadata over the `istio-peer-exchange` ALPN). istio-proxy only.
 */
export function metadataExchangeNetworkFilter(): listenerV3.Filter {
  return create(listenerV3.FilterSchema, {
    name: 'istio.metadata_exchange',
    configType: {
      case: 'typedConfig',
      value: typed(udpaTypeV1.TypedStructSchema, {
        typeUrl: 'type.googleapis.com/envoy.tcp.metadataexchange.config.MetadataExchange',
        value: { protocol: 'istio-peer-exchange', enable_discovery: true },
      }),
    },
  });
}

function portRanges(ports: readonly number[]): listenerV3.ListenerFilterChainMatchPredicate {
  const ranges = ports.map((p) => create(listenerV3.ListenerFilterChainMatchPredicateSchema, { rule: { case: 'destinationPortRange', value: { start: p, end: p + 1 } } }));
  if (ranges.length === 1) return ranges[0]!;
  return create(listenerV3.ListenerFilterChainMatchPredicateSchema, { rule: { case: 'orMatch', value: { rules: ranges } } });
}

/**
 * The inspecting listener filters of an inbound listener with these chains (populateListenerFilters):
 * the TLS inspector where a chain matches transport `tls`, the HTTP inspector where one matches
 * `http/1.1` or `h2c`, each turned off (`filter_disabled`) on the destination ports that need it not.
 */
export function inboundInspectors(chains: readonly listenerV3.FilterChain[]): listenerV3.ListenerFilter[] {
  const byPort = new Map<number, { tls: boolean; http: boolean }>();
  for (const c of chains) {
    const m = c.filterChainMatch;
    const port = m?.destinationPort ?? 0;
    const i = byPort.get(port) ?? { tls: false, http: false };
    i.tls ||= m?.transportProtocol === 'tls';
    i.http ||= (m?.applicationProtocols ?? []).some((a) => a === 'http/1.1' || a === 'h2c');
    byPort.set(port, i);
  }
  const sorted = [...byPort].sort((a, b) => a[0] - b[0]);
  const out: listenerV3.ListenerFilter[] = [];
  if (sorted.some(([, i]) => i.tls)) {
    const f = listenerFilter('tls_inspector');
    if (byPort.get(0)?.tls) {
      const off = sorted.filter(([p, i]) => p !== 0 && !i.tls).map(([p]) => p);
      if (off.length > 0) f.filterDisabled = portRanges(off);
    } else {
      const on = sorted.filter(([p, i]) => p !== 0 && i.tls).map(([p]) => p);
      if (on.length > 0) f.filterDisabled = create(listenerV3.ListenerFilterChainMatchPredicateSchema, { rule: { case: 'notMatch', value: portRanges(on) } });
    }
    out.push(f);
  }
  if (sorted.some(([, i]) => i.http)) {
    const f = listenerFilter('http_inspector');
    const off = sorted.filter(([, i]) => !i.http).map(([p]) => p);
    if (off.length > 0) f.filterDisabled = portRanges(off);
    out.push(f);
  }
  return out;
}
