import type { listenerV3 } from '@minipilot/envoy-api';
import { listener, filterChain, listenerFilter } from '../builders/listener.js';
import { sidecarHttpFilter } from './sidecar-http.js';
import { outboundTcpChains } from './tcp-chains.js';
import { placeOutboundChains } from './outbound-fallthrough.js';
import type { PushContext } from '../model/push-context.js';
import type { ServiceModel } from '../model/service.js';
import type { ProxyView } from '../proxy.js';

/** ALPN values the HTTP inspector sets for plaintext HTTP/1.1 and HTTP/2. */
export const HTTP_ALPN: readonly string[] = ['http/1.1', 'h2c'];

/** What a sniffed listener is built from; `common` holds the listener fields every outbound listener shares. */
export interface SniffedListenerInput {
  readonly common: Omit<Parameters<typeof listener>[0], 'filterChains'>;
  readonly service: ServiceModel;
  readonly bind: string;
  readonly port: number;
  readonly routeConfigName: string;
}

/**
 * A sidecar's outbound listener for a sniffed (auto-protocol) port, as istiod builds it for
 * ListenerProtocolAuto: the TCP chains of buildSidecarOutboundTCPListenerOpts (the service's
 * VirtualService `tcp` routes, else tcp_proxy to `outbound|PORT||host`, with its DestinationRule's
 * idle timeout) plus an HTTP chain matching plaintext HTTP ALPNs on RDS `routeConfigName`, placed
 * as buildListenerFromEntry places them (the match-all TCP chain becomes the default chain), with
 * the TLS inspector when a chain matches SNI and the HTTP inspector.
 */
export function buildSniffedListener(proxy: ProxyView, push: PushContext, input: SniffedListenerInput, warn: (message: string) => void): listenerV3.Listener {
  const http = filterChain('', { transportProtocol: 'raw_buffer', applicationProtocols: [...HTTP_ALPN] }, [
    sidecarHttpFilter(proxy, 'outbound', input.bind, input.port, { routeConfigName: input.routeConfigName }),
  ]);
  const placed = placeOutboundChains([...outboundTcpChains(proxy, push, [input.service], input.port, input.bind, warn), http], push);
  return listener({ ...input.common, ...placed, listenerFilters: [...(placed.listenerFilters ?? []), listenerFilter('http_inspector')] });
}
