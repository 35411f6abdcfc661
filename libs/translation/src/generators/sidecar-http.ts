import { create } from '@bufbuild/protobuf';
import { coreV3, hcmV3, uuidV3, type listenerV3 } from '@minipilot/envoy-api';
import { httpConnectionManager, hcmFilter, type RouteSource } from '../builders/listener.js';
import { istioHttpFilters } from '../builders/http-filters.js';
import { duration, typed } from '../builders/common.js';
import type { ProxyView } from '../proxy.js';

/**
 * The HTTP connection manager filter istiod puts on a sidecar listener (§1.3 of the research note):
 * stat prefix `<direction>_<bind>_<port>;`, AUTO codec, websocket upgrades, no stream idle timeout,
 * path normalization, uuid request ids, server name `istio-envoy`, and the istio filter chain
 * (istio.* filters only for istio-proxy).
 */
export function sidecarHttpFilter(proxy: ProxyView, direction: 'outbound' | 'inbound', bind: string, port: number, routes: RouteSource, extra: Partial<Omit<hcmV3.HttpConnectionManager, '$typeName'>> = {}): listenerV3.Filter {
  const HCM = hcmV3;
  return hcmFilter(httpConnectionManager({
    statPrefix: `${direction}_${bind}_${port};`,
    ...routes,
    httpFilters: istioHttpFilters(direction, proxy.istioProxy),
    codecType: HCM.HttpConnectionManager_CodecType.AUTO,
    useRemoteAddress: false,
    upgradeConfigs: [create(HCM.HttpConnectionManager_UpgradeConfigSchema, { upgradeType: 'websocket' })],
    streamIdleTimeout: duration('0s'),
    normalizePath: true,
    pathWithEscapedSlashesAction: HCM.HttpConnectionManager_PathWithEscapedSlashesAction.KEEP_UNCHANGED,
    requestIdExtension: create(HCM.RequestIDExtensionSchema, { typedConfig: typed(uuidV3.UuidRequestIdConfigSchema, { useRequestIdForTraceSampling: true }) }),
    serverName: 'istio-envoy',
    ...extra,
  }));
}

/** Envoy's traffic direction values, re-exported for generators. */
export const Direction = coreV3.TrafficDirection;
