// Gateway rules (Istio's ValidateGateway, validateServer, validateServerPort/Bind).
import type { GatewayConfig } from '../kinds.js';
import type { Server } from '../istio/gateway.js';
import { at, type Collector } from './collector.js';
import { isDns1123Label, isIPAddress, partialWildcardError, wildcardDomainError } from './hostname.js';
import { isHttpProtocol, isTlsProtocol, parseProtocolName, portError } from './primitives.js';
import { checkServerTls } from './server-tls.js';

const UNIX_PREFIX = 'unix://';

/** Reports every Istio rule for a Gateway. */
export function checkGateway(c: Collector, gw: GatewayConfig): void {
  if (!isDns1123Label(gw.metadata.name)) c.error('metadata.name', `invalid gateway name: ${JSON.stringify(gw.metadata.name)}`);
  const servers = gw.spec.servers ?? [];
  if (servers.length === 0) c.error('spec.servers', 'gateway must have at least one server');
  servers.forEach((s, i) => checkServer(c, at('spec.servers', i), s));
  const portNames = new Set<string>();
  servers.forEach((s, i) => {
    if (!s.port) return;
    const name = s.port.name ?? '';
    if (portNames.has(name)) c.error(at(at('spec.servers', i), 'port'), `port names in servers must be unique: duplicate name ${name}`);
    portNames.add(name);
    if (!isHttpProtocol(parseProtocolName(s.port.protocol)) && s.tls?.httpsRedirect) {
      c.warn(at(at('spec.servers', i), 'tls'), 'tls.httpsRedirect should only be used with http servers');
    }
  });
}

function checkServerHost(c: Collector, field: string, host: string): void {
  const slash = host.indexOf('/');
  let dnsName = host;
  if (slash >= 0) {
    const ns = host.slice(0, slash);
    dnsName = host.slice(slash + 1);
    if (ns === '' || dnsName === '') c.error(field, 'config namespace and dnsName in host entry cannot be empty');
    if (ns !== '*' && ns !== '.' && ns !== '' && !isDns1123Label(ns)) c.error(field, `invalid namespace value ${JSON.stringify(ns)} in gateway`);
    if (dnsName === '') return;
  }
  if (isIPAddress(dnsName)) return;
  const err = wildcardDomainError(dnsName, slash >= 0) ?? partialWildcardError(dnsName);
  if (err) c.error(field, err);
}

function checkServer(c: Collector, field: string, s: Server): void {
  const hosts = s.hosts ?? [];
  if (hosts.length === 0) c.error(at(field, 'hosts'), 'server config must contain at least one host');
  hosts.forEach((h, i) => checkServerHost(c, at(at(field, 'hosts'), i), h));
  const bind = s.bind ?? '';
  const portOk = checkServerPort(c, at(field, 'port'), s, bind);
  if (bind.startsWith(UNIX_PREFIX)) {
    if ((s.port?.number ?? 0) !== 0) c.error(at(field, 'bind'), 'port number must be 0 for unix domain socket');
  } else if (bind !== '' && !isIPAddress(bind)) {
    c.error(at(field, 'bind'), `${bind} is not a valid IP`);
  }
  checkServerTls(c, at(field, 'tls'), s.tls);
  if (!portOk || !s.port) return;
  const p = parseProtocolName(s.port.protocol);
  if (isTlsProtocol(p) && !s.tls) c.error(field, 'server must have TLS settings for HTTPS/TLS protocols');
  else if (!isTlsProtocol(p) && s.tls) {
    const onlyRedirect = Object.entries(s.tls).every(([k, v]) => k === 'httpsRedirect' || v === undefined);
    if (isHttpProtocol(p)) {
      if (!onlyRedirect) c.error(at(field, 'tls'), 'server cannot have TLS settings for plain text HTTP ports');
    } else if (!onlyRedirect) {
      c.error(at(field, 'tls'), 'server cannot have TLS settings for non HTTPS/TLS ports');
    }
  }
}

/** Reports the server port rules; returns false when the port itself is unusable (as Istio, later TLS checks are then skipped). */
function checkServerPort(c: Collector, field: string, s: Server, bind: string): boolean {
  const port = s.port;
  if (!port) {
    c.error(field, 'port is required');
    return false;
  }
  let ok = true;
  if (parseProtocolName(port.protocol) === undefined) {
    c.error(at(field, 'protocol'), `invalid protocol ${JSON.stringify(port.protocol ?? '')}, supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP`);
    ok = false;
  }
  const number = port.number ?? 0;
  if (number > 0 || !bind.startsWith(UNIX_PREFIX)) {
    const err = portError(number);
    if (err) {
      c.error(at(field, 'number'), err);
      return false;
    }
  }
  if (!port.name) {
    c.error(at(field, 'name'), `port name must be set: ${JSON.stringify(port)}`);
    ok = false;
  }
  if (port.targetPort !== undefined && port.targetPort !== 0) c.warn(at(field, 'targetPort'), 'targetPort has no impact on Gateways');
  return ok;
}
