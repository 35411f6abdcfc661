import { create, type JsonObject } from '@bufbuild/protobuf';
import { hcmV3, routerV3, faultV3, corsV3, grpcStatsV3, xdsTypeV3 } from '@minipilot/envoy-api';
import { typed } from './common.js';

function filter(name: string, config: ReturnType<typeof typed>): hcmV3.HttpFilter {
  return create(hcmV3.HttpFilterSchema, { name, configType: { case: 'typedConfig', value: config } });
}

/** The Router HTTP filter; always last in the chain. */
export function routerFilter(): hcmV3.HttpFilter {
  return filter('envoy.filters.http.router', typed(routerV3.RouterSchema, {}));
}

/** The (empty) fault filter; routes enable faults through typed_per_filter_config. */
export function faultFilter(): hcmV3.HttpFilter {
  return filter('envoy.filters.http.fault', typed(faultV3.HTTPFaultSchema, {}));
}

/** The (empty) CORS filter; routes set their policy through typed_per_filter_config. */
export function corsFilter(): hcmV3.HttpFilter {
  return filter('envoy.filters.http.cors', typed(corsV3.CorsSchema, {}));
}

/** gRPC stats as istiod configures it (filter state on, not per method). */
export function grpcStatsFilter(): hcmV3.HttpFilter {
  return filter('envoy.filters.http.grpc_stats', typed(grpcStatsV3.FilterConfigSchema, { emitFilterState: true, perMethodStatSpecifier: { case: 'statsForAllMethods', value: { value: false } } }));
}

/** An istio-proxy-only filter carried as a TypedStruct (stock Envoy does not know these types). */
function istioFilter(name: string, typeUrl: string, value: JsonObject): hcmV3.HttpFilter {
  return filter(name, typed(xdsTypeV3.TypedStructSchema, { typeUrl, value }));
}

/** istio.metadata_exchange (HTTP peer metadata): istio-proxy only. */
export function istioMetadataExchangeFilter(): hcmV3.HttpFilter {
  return istioFilter('istio.metadata_exchange', 'type.googleapis.com/io.istio.http.peer_metadata.Config', {
    upstream_discovery: [{ istio_headers: {} }, { workload_discovery: {} }],
    upstream_propagation: [{ istio_headers: {} }],
  });
}

/** istio.alpn (marks upstream ALPN as istio-http/1.x or istio-h2 for mTLS peers): istio-proxy only. */
export function istioAlpnFilter(): hcmV3.HttpFilter {
  return istioFilter('istio.alpn', 'type.googleapis.com/istio.envoy.config.filter.http.alpn.v2alpha1.FilterConfig', {
    alpn_override: [
      { alpn_override: ['istio-http/1.0', 'istio'] },
      { upstream_protocol: 'HTTP11', alpn_override: ['istio-http/1.1', 'istio'] },
      { upstream_protocol: 'HTTP2', alpn_override: ['istio-h2', 'istio'] },
    ],
  });
}

/** istio.stats (Prometheus metrics): istio-proxy only. */
export function istioStatsFilter(direction: 'outbound' | 'inbound'): hcmV3.HttpFilter {
  return istioFilter('istio.stats', 'type.googleapis.com/stats.PluginConfig', direction === 'inbound' ? {} : { reporter: 'CLIENT' });
}

/**
 * istiod's HTTP filter chain for a listener: [istio.metadata_exchange], grpc_stats, [istio.alpn],
 * fault, cors, [istio.stats], router. The `istio.*` filters exist only in istio-proxy, so they are
 * sent only to proxies that report ISTIO_VERSION; stock Envoy and gRPC clients would NACK them.
 * Inbound chains have no ALPN filter.
 */
export function istioHttpFilters(direction: 'outbound' | 'inbound', istioProxy: boolean): hcmV3.HttpFilter[] {
  return [
    ...(istioProxy ? [istioMetadataExchangeFilter()] : []),
    grpcStatsFilter(),
    ...(istioProxy && direction === 'outbound' ? [istioAlpnFilter()] : []),
    faultFilter(),
    corsFilter(),
    ...(istioProxy ? [istioStatsFilter(direction)] : []),
    routerFilter(),
  ];
}
