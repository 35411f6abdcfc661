import { create } from '@bufbuild/protobuf';
import { listenerV3, hcmV3, originalDstV3, tlsInspectorV3, httpInspectorV3, type routeV3 } from '@minipilot/envoy-api';
import { adsConfigSource, typed, millis, socketAddress } from './common.js';

/** Where an HttpConnectionManager gets its routes: RDS by name over ADS, or inline. */
export type RouteSource = { readonly routeConfigName: string } | { readonly routeConfig: routeV3.RouteConfiguration };

/** An HttpConnectionManager with `httpFilters` (router last) and routes from RDS or inline; other fields as given. */
export function httpConnectionManager(o: { statPrefix: string; httpFilters: readonly hcmV3.HttpFilter[] } & RouteSource & Partial<Omit<hcmV3.HttpConnectionManager, '$typeName' | 'statPrefix' | 'routeSpecifier' | 'httpFilters'>>): hcmV3.HttpConnectionManager {
  const { statPrefix, httpFilters, ...rest } = o;
  const routeSpecifier: hcmV3.HttpConnectionManager['routeSpecifier'] = 'routeConfig' in o
    ? { case: 'routeConfig', value: o.routeConfig }
    : { case: 'rds', value: create(hcmV3.RdsSchema, { configSource: adsConfigSource(millis(0)), routeConfigName: o.routeConfigName }) };
  const fields = Object.fromEntries(Object.entries(rest).filter(([k]) => k !== 'routeConfig' && k !== 'routeConfigName'));
  return create(hcmV3.HttpConnectionManagerSchema, { ...fields, statPrefix, routeSpecifier, httpFilters: [...httpFilters] });
}

/** The `envoy.filters.network.http_connection_manager` network filter wrapping `hcm`. */
export function hcmFilter(hcm: hcmV3.HttpConnectionManager): listenerV3.Filter {
  return create(listenerV3.FilterSchema, { name: 'envoy.filters.network.http_connection_manager', configType: { case: 'typedConfig', value: typed(hcmV3.HttpConnectionManagerSchema, hcm) } });
}

/** A client-side Listener (proxyless gRPC): `api_listener` holding the HttpConnectionManager. */
export function apiListener(name: string, hcm: hcmV3.HttpConnectionManager): listenerV3.Listener {
  return create(listenerV3.ListenerSchema, { name, apiListener: { apiListener: typed(hcmV3.HttpConnectionManagerSchema, hcm) } });
}

/** A Listener on `address:port` with filter chains (and an optional default chain). */
export function listener(o: {
  name: string;
  address: string;
  port: number;
  filterChains: readonly listenerV3.FilterChain[];
  defaultFilterChain?: listenerV3.FilterChain;
  listenerFilters?: readonly listenerV3.ListenerFilter[];
} & Partial<Pick<listenerV3.Listener, 'useOriginalDst' | 'bindToPort' | 'trafficDirection' | 'continueOnListenerFiltersTimeout' | 'listenerFiltersTimeout' | 'metadata'>>): listenerV3.Listener {
  const { name, address, port, filterChains, defaultFilterChain, listenerFilters, ...rest } = o;
  return create(listenerV3.ListenerSchema, {
    ...rest,
    name,
    address: socketAddress(address, port),
    filterChains: [...filterChains],
    ...(defaultFilterChain ? { defaultFilterChain } : {}),
    listenerFilters: [...(listenerFilters ?? [])],
  });
}

/** A FilterChain named `name` matching `match` (empty: matches everything) with network `filters`. */
export function filterChain(name: string, match: Partial<Omit<listenerV3.FilterChainMatch, '$typeName'>> | undefined, filters: readonly listenerV3.Filter[], extra: Partial<Pick<listenerV3.FilterChain, 'transportSocket' | 'metadata'>> = {}): listenerV3.FilterChain {
  return create(listenerV3.FilterChainSchema, {
    name,
    ...(match ? { filterChainMatch: create(listenerV3.FilterChainMatchSchema, match) } : {}),
    filters: [...filters],
    ...extra,
  });
}

/** The listener filters istiod uses: original destination, TLS inspector (SNI/ALPN), HTTP inspector (ALPN for plaintext). */
export function listenerFilter(kind: 'original_dst' | 'tls_inspector' | 'http_inspector'): listenerV3.ListenerFilter {
  const config = kind === 'original_dst' ? typed(originalDstV3.OriginalDstSchema, {})
    : kind === 'tls_inspector' ? typed(tlsInspectorV3.TlsInspectorSchema, { initialReadBufferSize: 512 })
    : typed(httpInspectorV3.HttpInspectorSchema, {});
  return create(listenerV3.ListenerFilterSchema, { name: `envoy.filters.listener.${kind}`, configType: { case: 'typedConfig', value: config } });
}
