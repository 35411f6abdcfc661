import { create } from '@bufbuild/protobuf';
import { listenerV3, hcmV3, routerV3, faultV3 } from '@minipilot/envoy-api';
import { adsConfigSource, typed, millis } from './common.js';

/** The Router HTTP filter; always last in the chain. */
export function routerFilter(): hcmV3.HttpFilter {
  return create(hcmV3.HttpFilterSchema, { name: 'envoy.filters.http.router', configType: { case: 'typedConfig', value: typed(routerV3.RouterSchema, {}) } });
}

/** The (empty) fault filter; routes enable it through typed_per_filter_config. */
export function faultFilter(): hcmV3.HttpFilter {
  return create(hcmV3.HttpFilterSchema, { name: 'envoy.filters.http.fault', configType: { case: 'typedConfig', value: typed(faultV3.HTTPFaultSchema, {}) } });
}

/** An HttpConnectionManager that fetches route configuration `routeConfigName` over ADS. */
export function httpConnectionManager(o: { statPrefix: string; routeConfigName: string; httpFilters: readonly hcmV3.HttpFilter[] }): hcmV3.HttpConnectionManager {
  return create(hcmV3.HttpConnectionManagerSchema, {
    statPrefix: o.statPrefix,
    routeSpecifier: { case: 'rds', value: { configSource: adsConfigSource(millis(0)), routeConfigName: o.routeConfigName } },
    httpFilters: [...o.httpFilters],
  });
}

/** A client-side Listener (proxyless gRPC): `api_listener` holding the HttpConnectionManager. */
export function apiListener(name: string, hcm: hcmV3.HttpConnectionManager): listenerV3.Listener {
  return create(listenerV3.ListenerSchema, { name, apiListener: { apiListener: typed(hcmV3.HttpConnectionManagerSchema, hcm) } });
}
