import { gatewayServers, isHttpProtocolName, isHttpServer, gatewayRouteName, sanitizedServerHosts, type GatewayServer } from './gateway-servers.js';
import type { PushContext } from '../model/push-context.js';
import type { Proxy } from '../proxy.js';

/** The servers a gateway proxy serves after istiod's merge of its Gateways (conflicting servers dropped and reported to `warn`). */
export function mergedGatewayServers(proxy: Proxy, push: PushContext, warn: (message: string) => void = () => {}): GatewayServer[] {
  return mergeGatewayServers(gatewayServers(proxy, push), warn);
}

/**
 * The servers a gateway proxy keeps after istiod's merge of every Gateway that selects it
 * (pilot/pkg/model/gateway.go mergeGateways), taken in istiod's Gateway order (creation time, name,
 * namespace; see `gatewayServers`), per listen port:
 *
 * - a server with `tls` settings (HTTPS, TLS, and HTTP with `httpsRedirect`) whose hosts repeat a
 *   host of an earlier `tls` server on the same port and bind is dropped ("duplicate host names");
 * - the first server on a port decides for plaintext servers: a later server on the same bind is
 *   kept only if both are HTTP-family (`canMergeProtocols`), so TCP then HTTP keeps TCP and HTTP then
 *   TCP keeps HTTP; a second non-HTTP plaintext server (two TCP servers) is dropped too;
 * - after TLS servers on a port, a later plaintext server is kept (its own chain); a TLS-terminating
 *   HTTPS server must have a route name (`https.<port>.<portName>.<gw>.<ns>`) no earlier server used;
 *   a third non-HTTP server on a bind without `tls` is dropped ("TLS server without TLS options").
 *
 * Every dropped server is reported through `warn` with istiod's log words, and so is a server
 * `name` repeated within a Gateway (kept: istiod only warns of stat prefix collisions).
 */
export function mergeGatewayServers(servers: readonly GatewayServer[], warn: (message: string) => void = () => {}): GatewayServer[] {
  const ports = new Set<number>();
  const plainText = new Map<number, { readonly protocol: string; readonly bind: string }>();
  const routeNames = new Set<string>();
  const tlsHostsByPort = new Map<number, Map<string, string>>();
  const nonPlainTextBinds = new Map<number, Set<string>>();
  const namesByGateway = new Map<string, Set<string>>();
  const out: GatewayServer[] = [];
  for (const s of servers) {
    if (s.server.name) {
      let names = namesByGateway.get(s.gatewayName);
      if (!names) namesByGateway.set(s.gatewayName, (names = new Set()));
      if (names.has(s.server.name)) warn(`${serverPath(s)}: Server name ${s.server.name} is not unique in gateway ${s.gatewayName} and may create possible issues like stat prefix collision`);
      names.add(s.server.name);
    }
    const port = s.listenPort;
    const routeName = rdsRouteName(s);
    const skip = (why: string): void => warn(`${serverPath(s)}: skipping server on gateway ${s.gateway.metadata.name} port ${s.server.port?.name ?? ''}.${port}.${s.protocol}: ${why}`);
    if (s.server.tls) {
      let known = tlsHostsByPort.get(port);
      if (!known) tlsHostsByPort.set(port, (known = new Map()));
      const duplicates = checkDuplicates(sanitizedServerHosts(s), s.bind, known);
      if (duplicates.length > 0) {
        warn(`${serverPath(s)}: skipping server on gateway ${s.gatewayName}, duplicate host names: [${duplicates.join(' ')}]`);
        continue;
      }
    }
    if (!ports.has(port)) {
      ports.add(port);
      if (!isTlsServer(s)) plainText.set(port, { protocol: s.protocol, bind: s.bind });
      if (isHttpServer(s)) routeNames.add(routeName);
      out.push(s);
      continue;
    }
    const current = plainText.get(port);
    if (current) {
      if (!canMergeProtocols(s.protocol, current.protocol) && current.bind === s.bind) {
        skip(`conflict with existing server ${port}.${current.protocol}`);
        continue;
      }
      if (routeName === '' && current.bind === s.bind) {
        skip('could not build RDS name from server');
        continue;
      }
      out.push(s);
      continue;
    }
    if (!isTlsServer(s)) {
      plainText.set(port, { protocol: s.protocol, bind: s.bind });
      out.push(s);
      continue;
    }
    if (isHttpServer(s)) {
      if (routeNames.has(routeName)) {
        skip('non unique port name for HTTPS port');
        continue;
      }
      routeNames.add(routeName);
    }
    let binds = nonPlainTextBinds.get(port);
    const newBind = !binds?.has(s.bind);
    if (!binds) nonPlainTextBinds.set(port, (binds = new Set()));
    binds.add(s.bind);
    if (!s.server.tls && !newBind) {
      warn(`${serverPath(s)}: TLS server without TLS options ${s.gatewayName}`);
      continue;
    }
    out.push(s);
  }
  return out;
}

/** istiod's `gatewayRDSRouteName`: `http.<port>` for HTTP-family servers, `https.…` for TLS-terminating HTTPS, else none. */
function rdsRouteName(s: GatewayServer): string {
  return isHttpProtocolName(s.protocol) || isHttpServer(s) ? gatewayRouteName(s) : '';
}

/** A server with TLS settings that is not plaintext HTTP (`gateway.IsTLSServer`: an HTTP server's `tls` only redirects). */
function isTlsServer(s: GatewayServer): boolean {
  return s.server.tls !== undefined && !isHttpProtocolName(s.protocol);
}

/** istiod's `canMergeProtocols(current, p)`, called with the new server's protocol first: both must be HTTP-family, or equal and the existing one HTTP. */
function canMergeProtocols(incoming: string, existing: string): boolean {
  return (isHttpProtocolName(incoming) || incoming === existing) && isHttpProtocolName(existing);
}

/** The hosts already known on the same bind (istiod's CheckDuplicates); records all hosts when there are none. */
function checkDuplicates(hosts: readonly string[], bind: string, known: Map<string, string>): string[] {
  const duplicates = hosts.filter((h) => known.get(h) === bind);
  if (duplicates.length === 0) for (const h of hosts) known.set(h, bind);
  return duplicates;
}

function serverPath(s: GatewayServer): string {
  return `Gateway ${s.gatewayName} spec.servers[${s.index}]`;
}
