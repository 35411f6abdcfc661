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
  /** The server's port as written (virtual host names use it: `*:80`). */
  readonly serverPort: number;
  /** The port the proxy listens on: the gateway Service's targetPort for `serverPort`, else `serverPort`. */
  readonly listenPort: number;
  readonly protocol: string;
  readonly bind: string;
}

/**
 * The servers of every Gateway whose selector matches the proxy's labels (an empty selector matches
 * every gateway proxy), with istiod's port translation: a server port that is a port of a Service
 * the gateway pod backs is replaced by that port's target port (80 → 8080 for the stock ingress).
 */
export function gatewayServers(proxy: Proxy, push: PushContext): GatewayServer[] {
  const targetPortOf = new Map<number, number>();
  for (const t of serviceTargets(proxy, push)) if (!targetPortOf.has(t.port.port)) targetPortOf.set(t.port.port, t.targetPort);
  const out: GatewayServer[] = [];
  for (const gw of push.gateways) {
    const sel = gw.spec.selector ?? {};
    if (!matchesLabels(sel, proxy.labels)) continue;
    for (const server of gw.spec.servers ?? []) {
      const serverPort = server.port?.number;
      if (serverPort === undefined) continue;
      out.push({
        gateway: gw,
        gatewayName: `${gw.metadata.namespace}/${gw.metadata.name}`,
        server,
        serverPort,
        listenPort: targetPortOf.get(serverPort) ?? serverPort,
        protocol: (server.port?.protocol ?? 'HTTP').toUpperCase(),
        bind: server.bind ?? '0.0.0.0',
      });
    }
  }
  return out;
}

/** True for servers whose traffic is HTTP after any TLS termination. */
export function isHttpServer(s: GatewayServer): boolean {
  const mode = s.server.tls?.mode;
  if (['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB'].includes(s.protocol)) return true;
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
  const out: string[] = [];
  for (const h of s.server.hosts ?? []) {
    const slash = h.indexOf('/');
    if (slash < 0) { out.push(h); continue; }
    const ns = h.slice(0, slash);
    const host = h.slice(slash + 1);
    if (ns === '*' || ns === vsNamespace || (ns === '.' && vsNamespace === s.gateway.metadata.namespace)) out.push(host);
  }
  return out;
}
