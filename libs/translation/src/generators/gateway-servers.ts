import type { GatewayConfig, Server } from '@minipilot/config';
import { matchesLabels } from '../model/service-registry.js';
import { serviceTargets } from './service-targets.js';
import type { PushContext } from '../model/push-context.js';
import type { Proxy } from '../proxy.js';

/** One Gateway server as it applies to a gateway proxy. */
export interface GatewayServer {
  readonly gateway: GatewayConfig;
  /** `<namespace>/<name>` of the Gateway (what VirtualServices list in `gateways`). */
  readonly gatewayName: string;
  readonly server: Server;
  /** The server's index in the Gateway's `spec.servers` (for messages). */
  readonly index: number;
  /** The server's port as written (virtual host names use it: `*:80`). */
  readonly serverPort: number;
  /** The port the proxy listens on: the gateway Service's targetPort for `serverPort`, else `serverPort`. */
  readonly listenPort: number;
  readonly protocol: string;
  readonly bind: string;
}

/**
 * The servers of every Gateway whose selector matches the proxy's labels (an empty selector matches
 * every gateway proxy), in istiod's Gateway order (the push context's), with istiod's port
 * translation: a server port that is a port of a Service the gateway pod backs is replaced by that
 * port's target port (80 → 8080 for the stock ingress). Conflicting servers are still there; see
 * `mergedGatewayServers`.
 */
export function gatewayServers(proxy: Proxy, push: PushContext): GatewayServer[] {
  const targetPortOf = new Map<number, number>();
  for (const t of serviceTargets(proxy, push)) if (!targetPortOf.has(t.port.port)) targetPortOf.set(t.port.port, t.targetPort);
  const out: GatewayServer[] = [];
  for (const gw of push.gateways) {
    const sel = gw.spec.selector ?? {};
    if (!matchesLabels(sel, proxy.labels)) continue;
    (gw.spec.servers ?? []).forEach((server, index) => {
      const serverPort = server.port?.number;
      if (serverPort === undefined) return;
      out.push({
        gateway: gw,
        gatewayName: `${gw.metadata.namespace}/${gw.metadata.name}`,
        server,
        index,
        serverPort,
        listenPort: targetPortOf.get(serverPort) ?? serverPort,
        protocol: (server.port?.protocol ?? 'HTTP').toUpperCase(),
        bind: server.bind ?? '0.0.0.0',
      });
    });
  }
  return out;
}

/** True for HTTP-family protocols (istiod's `protocol.IsHTTP`: HTTP, HTTP2, HTTP_PROXY, GRPC, GRPC-WEB; not HTTPS). */
export function isHttpProtocolName(protocol: string): boolean {
  return ['HTTP', 'HTTP2', 'HTTP_PROXY', 'GRPC', 'GRPC-WEB'].includes(protocol);
}

/**
 * The server's hosts as istiod keeps them after `sanitizeServerHostNamespace`: `./host` becomes
 * `<gateway namespace>/host`, `*\/host` becomes `host`, and `*\/*` makes the list `['*']`.
 */
export function sanitizedServerHosts(s: GatewayServer): string[] {
  const out: string[] = [];
  for (const h of s.server.hosts ?? []) {
    const slash = h.indexOf('/');
    if (slash < 0) { out.push(h); continue; }
    const ns = h.slice(0, slash);
    const host = h.slice(slash + 1);
    if (ns === '.') out.push(`${s.gateway.metadata.namespace}/${host}`);
    else if (ns === '*') {
      if (host === '*') return ['*'];
      out.push(host);
    } else out.push(h);
  }
  return out;
}

/**
 * The SNI names of a TLS server's filter chain (istiod's GetSNIHostsForServer, then
 * toFilterChainMatch): hosts without their namespace, deduplicated and sorted; none at all when
 * one of them is `*` (the chain then matches any SNI).
 */
export function sniHostsForServer(s: GatewayServer): string[] {
  const hosts = [...new Set((s.server.hosts ?? []).map((h) => h.slice(h.indexOf('/') + 1)))].sort();
  return hosts.includes('*') ? [] : hosts;
}

/** True for servers whose traffic is HTTP after any TLS termination. */
export function isHttpServer(s: GatewayServer): boolean {
  const mode = s.server.tls?.mode;
  if (isHttpProtocolName(s.protocol)) return true;
  return s.protocol === 'HTTPS' && mode !== undefined && mode !== 'PASSTHROUGH' && mode !== 'AUTO_PASSTHROUGH';
}

/** istiod's route configuration name for an HTTP(S) server: `http.<listenPort>`, or `https.<port>.<portName>.<gw>.<ns>` when TLS is terminated. */
export function gatewayRouteName(s: GatewayServer): string {
  const bindSuffix = s.server.bind ? `.${s.server.bind}` : '';
  if (s.protocol === 'HTTPS' && s.server.tls && s.server.tls.mode !== 'PASSTHROUGH') {
    return `https.${s.serverPort}.${s.server.port?.name ?? ''}.${s.gateway.metadata.name}.${s.gateway.metadata.namespace}${bindSuffix}`;
  }
  return `http.${s.listenPort}${bindSuffix}`;
}

/**
 * The hosts a server exposes to VirtualServices of namespace `vsNamespace`: `ns/host` entries apply
 * to that namespace only (`.` = the gateway's, `*` = any); plain `host` entries to every namespace.
 */
export function serverHostsFor(s: GatewayServer, vsNamespace: string): string[] {
  return sanitizedServerHosts(s).flatMap((h) => {
    const slash = h.indexOf('/');
    return slash < 0 ? [h] : h.slice(0, slash) === vsNamespace ? [h.slice(slash + 1)] : [];
  });
}
