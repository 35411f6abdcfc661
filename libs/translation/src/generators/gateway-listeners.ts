import { create } from '@bufbuild/protobuf';
import { hcmV3, tlsV3, coreV3, listenerV3 } from '@minipilot/envoy-api';
import type { ServerTLSSettings } from '@minipilot/config';
import { listener, filterChain, listenerFilter } from '../builders/listener.js';
import { adsConfigSource, typed } from '../builders/common.js';
import { hostMatches } from '../model/host.js';
import { buildTcpFilterChains } from '../routes/tcp-route.js';
import { buildTlsFilterChains } from '../routes/tls-route.js';
import { isHttpServer, gatewayRouteName, serverHostsFor, sniHostsForServer, type GatewayServer } from './gateway-servers.js';
import { mergedGatewayServers } from './gateway-merge.js';
import { sidecarHttpFilter, Direction } from './sidecar-http.js';
import type { PushContext } from '../model/push-context.js';
import type { Proxy } from '../proxy.js';

/**
 * A gateway's listeners: one per (bind, listen port), named `0.0.0.0_8080`, binding for real, with a
 * filter chain per server kept by istiod's merge (`mergedGatewayServers`, which reports the servers it
 * drops): plaintext HTTP (servers on a port share one chain, RDS `http.<port>`),
 * TLS-terminated HTTPS (SNI match on the server's hosts, none when one is `*`; certificates over SDS as
 * `kubernetes://<credentialName>`), TLS passthrough (a chain per VirtualService `tls` SNI match)
 * and TCP (the VirtualService's `tcp` route).
 */
export function buildGatewayListeners(proxy: Proxy, push: PushContext, warn: (message: string) => void = () => {}): listenerV3.Listener[] {
  const byListener = new Map<string, GatewayServer[]>();
  for (const s of mergedGatewayServers(proxy, push, warn)) {
    const key = `${s.bind}_${s.listenPort}`;
    byListener.set(key, [...(byListener.get(key) ?? []), s]);
  }
  const out: listenerV3.Listener[] = [];
  for (const [name, servers] of byListener) {
    const chains: listenerV3.FilterChain[] = [];
    const seenRoutes = new Set<string>();
    const usedSniHosts = new Set<string>();
    for (const s of servers) {
      if (isHttpServer(s)) {
        const rds = gatewayRouteName(s);
        if (seenRoutes.has(rds)) continue;
        seenRoutes.add(rds);
        const tls = s.protocol === 'HTTPS' ? downstreamTls(s.server.tls) : undefined;
        const hosts = sniHostsForServer(s);
        chains.push(filterChain(tls ? rds : '', tls && hosts.length > 0 ? { serverNames: hosts } : undefined, [gatewayHttpFilter(proxy, s, rds)], tls ? { transportSocket: tls } : {}));
      } else {
        chains.push(...l4Chains(push, proxy, s, usedSniHosts, warn));
      }
    }
    if (chains.length === 0) continue;
    const needsTlsInspector = chains.some((c) => (c.filterChainMatch?.serverNames.length ?? 0) > 0);
    out.push(listener({
      name, address: servers[0]!.bind, port: servers[0]!.listenPort, trafficDirection: Direction.OUTBOUND,
      filterChains: chains, ...(needsTlsInspector ? { listenerFilters: [listenerFilter('tls_inspector')] } : {}),
    }));
  }
  return out;
}

function gatewayHttpFilter(proxy: Proxy, s: GatewayServer, rds: string): listenerV3.Filter {
  const HCM = hcmV3;
  return sidecarHttpFilter(proxy, 'outbound', s.bind, s.listenPort, { routeConfigName: rds }, {
    ...(s.server.name && s.protocol === 'HTTPS' ? { statPrefix: s.server.name } : {}),
    useRemoteAddress: true,
    xffNumTrustedHops: 0,
    forwardClientCertDetails: HCM.HttpConnectionManager_ForwardClientCertDetails.SANITIZE_SET,
    setCurrentClientCertDetails: create(HCM.HttpConnectionManager_SetCurrentClientCertDetailsSchema, { subject: true, cert: true, dns: true, uri: true }),
    httpProtocolOptions: create(coreV3.Http1ProtocolOptionsSchema, {}),
  });
}

/** The downstream TLS transport socket for SIMPLE/MUTUAL servers (SDS over ADS), or undefined for other modes. */
function downstreamTls(tls: ServerTLSSettings | undefined): coreV3.TransportSocket | undefined {
  if (!tls || (tls.mode !== 'SIMPLE' && tls.mode !== 'MUTUAL' && tls.mode !== 'OPTIONAL_MUTUAL')) return undefined;
  const sds = (name: string) => create(tlsV3.SdsSecretConfigSchema, { name, sdsConfig: adsConfigSource() });
  const cert = tls.credentialName ? `kubernetes://${tls.credentialName}` : `file-cert:${tls.serverCertificate ?? ''}~${tls.privateKey ?? ''}`;
  const mutual = tls.mode !== 'SIMPLE';
  const caName = tls.credentialName ? `kubernetes://${tls.credentialName}-cacert` : `file-root:${tls.caCertificates ?? ''}`;
  const ctx = create(tlsV3.DownstreamTlsContextSchema, {
    commonTlsContext: {
      alpnProtocols: ['h2', 'http/1.1'],
      tlsCertificateSdsSecretConfigs: [sds(cert)],
      ...(mutual ? { validationContextType: { case: 'validationContextSdsSecretConfig' as const, value: sds(caName) } } : {}),
    },
    requireClientCertificate: tls.mode === 'MUTUAL',
  });
  return create(coreV3.TransportSocketSchema, { name: 'envoy.transport_sockets.tls', configType: { case: 'typedConfig', value: typed(tlsV3.DownstreamTlsContextSchema, ctx) } });
}

/** TCP and TLS-passthrough chains of one server, from the VirtualServices bound to its Gateway. */
function l4Chains(push: PushContext, proxy: Proxy, s: GatewayServer, usedSniHosts: Set<string>, warn: (message: string) => void): listenerV3.FilterChain[] {
  const virtualServices = push.virtualServices.filter((vs) => vs.gateways.includes(s.gatewayName)
    && push.visibleTo(vs.exportTo, vs.config.metadata.namespace, s.gateway.metadata.namespace)
    && serverHostsFor(s, vs.config.metadata.namespace).some((sh) => vs.hosts.some((h) => hostMatches(sh, h) || hostMatches(h, sh))));
  const target = { push, proxy, virtualServices, gateway: s.gatewayName, port: s.serverPort, usedSniHosts, onProblem: warn };
  if (s.server.tls?.mode === 'PASSTHROUGH') return buildTlsFilterChains(target);
  if (['TCP', 'TLS', 'MONGO', 'MYSQL', 'REDIS'].includes(s.protocol)) {
    const tls = s.protocol === 'TLS' ? downstreamTls(s.server.tls) : undefined;
    const hosts = sniHostsForServer(s);
    return buildTcpFilterChains(target).map((c) => (tls ? Object.assign(c, { transportSocket: tls, ...(hosts.length > 0 ? { filterChainMatch: create(listenerV3.FilterChainMatchSchema, { serverNames: hosts }) } : {}) }) : c));
  }
  return [];
}
