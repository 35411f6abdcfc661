import { create } from '@bufbuild/protobuf';
import { hcmV3, tlsV3, coreV3, type listenerV3 } from '@minipilot/envoy-api';
import type { ServerTLSSettings } from '@minipilot/config';
import { listener, filterChain, listenerFilter } from '../builders/listener.js';
import { tcpProxyFilter } from '../builders/tcp-proxy.js';
import { adsConfigSource, typed } from '../builders/common.js';
import { clusterName, BLACKHOLE_CLUSTER } from '../names.js';
import { resolveHost } from '../model/host.js';
import { gatewayServers, isHttpServer, gatewayRouteName, serverHostsFor, type GatewayServer } from './gateway-servers.js';
import { sidecarHttpFilter, Direction } from './sidecar-http.js';
import type { PushContext } from '../model/push-context.js';
import type { Proxy } from '../proxy.js';

/**
 * A gateway's listeners: one per (bind, listen port), named `0.0.0.0_8080`, binding for real, with a
 * filter chain per server: plaintext HTTP (servers on a port share one chain, RDS `http.<port>`),
 * TLS-terminated HTTPS (SNI match on the server's hosts, certificates over SDS as
 * `kubernetes://<credentialName>`), TLS passthrough (a chain per VirtualService `tls` SNI match)
 * and TCP (the VirtualService's `tcp` route).
 */
export function buildGatewayListeners(proxy: Proxy, push: PushContext): listenerV3.Listener[] {
  const byListener = new Map<string, GatewayServer[]>();
  for (const s of gatewayServers(proxy, push)) {
    const key = `${s.bind}_${s.listenPort}`;
    byListener.set(key, [...(byListener.get(key) ?? []), s]);
  }
  const out: listenerV3.Listener[] = [];
  for (const [name, servers] of byListener) {
    const chains: listenerV3.FilterChain[] = [];
    const seenRoutes = new Set<string>();
    for (const s of servers) {
      if (isHttpServer(s)) {
        const rds = gatewayRouteName(s);
        if (seenRoutes.has(rds)) continue;
        seenRoutes.add(rds);
        const tls = s.protocol === 'HTTPS' ? downstreamTls(s.server.tls) : undefined;
        const hosts = (s.server.hosts ?? []).map((h) => h.slice(h.indexOf('/') + 1)).filter((h) => h !== '*').sort();
        chains.push(filterChain(tls ? rds : '', tls && hosts.length > 0 ? { serverNames: hosts } : undefined, [gatewayHttpFilter(proxy, s, rds)], tls ? { transportSocket: tls } : {}));
      } else {
        chains.push(...l4Chains(push, s));
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
function l4Chains(push: PushContext, s: GatewayServer): listenerV3.FilterChain[] {
  const chains: listenerV3.FilterChain[] = [];
  const seenSni = new Set<string>();
  const passthrough = s.server.tls?.mode === 'PASSTHROUGH';
  for (const vs of push.virtualServices) {
    if (!vs.gateways.includes(s.gatewayName)) continue;
    const ns = vs.config.metadata.namespace;
    if (serverHostsFor(s, ns).length === 0) continue;
    if (passthrough) {
      for (const tlsRoute of vs.config.spec.tls ?? []) {
        for (const m of tlsRoute.match ?? []) {
          if (m.port !== undefined && m.port !== s.serverPort) continue;
          if (m.gateways && m.gateways.length > 0 && !m.gateways.some((g) => (g.includes('/') ? g : `${ns}/${g}`) === s.gatewayName)) continue;
          const sni = [...(m.sniHosts ?? [])].sort().filter((h) => !seenSni.has(h));
          if (sni.length === 0) continue;
          sni.forEach((h) => seenSni.add(h));
          chains.push(filterChain('', { serverNames: sni }, [tcpProxyFilter(l4Target(push, ns, tlsRoute.route ?? [], s, vs.config.metadata.name))]));
        }
      }
    } else if (s.protocol === 'TCP' || s.protocol === 'TLS' || s.protocol === 'MONGO') {
      const tcp = (vs.config.spec.tcp ?? []).find((r) => !r.match || r.match.some((m) => m.port === undefined || m.port === s.serverPort));
      if (tcp && chains.length === 0) chains.push(filterChain('', undefined, [tcpProxyFilter(l4Target(push, ns, tcp.route ?? [], s, vs.config.metadata.name))]));
    }
  }
  return chains;
}

function l4Target(push: PushContext, ns: string, route: readonly { destination: { host: string; subset?: string | undefined; port?: { number?: number | undefined } | undefined }; weight?: number | undefined }[], s: GatewayServer, vsName: string): string | { statPrefix: string; clusters: { name: string; weight: number }[] } {
  const clusters = route.map((d) => {
    const host = resolveHost(d.destination.host, ns);
    const svc = push.serviceByHostname(host);
    const port = d.destination.port?.number ?? (svc && svc.ports.length === 1 ? svc.ports[0]!.port : s.serverPort);
    return { name: clusterName('outbound', port, d.destination.subset ?? '', host), weight: d.weight ?? 0 };
  }).filter((c, _i, all) => all.length === 1 || c.weight > 0);
  if (clusters.length === 0) return BLACKHOLE_CLUSTER;
  if (clusters.length === 1) return clusters[0]!.name;
  return { statPrefix: `${vsName}.${ns}`, clusters };
}
