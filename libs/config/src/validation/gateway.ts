// Gateway rules (validation.go: ValidateGateway, validateServer, validateServerPort, validateServerBind;
// agent/validation.go: ValidateNamespaceSlashWildcardHostname).
import type { GatewayConfig } from '../kinds.js';
import type { Server } from '../istio/gateway.js';
import type { Port } from '../istio/common.js';
import { at, type Collector } from './collector.js';
import { gatewayHostErrors, isDns1123Label, isIPAddress } from './hostname.js';
import { isHttpProtocol, isTlsProtocol, parseProtocolName, portError, unixAddressError } from './primitives.js';
import { checkServerTls } from './server-tls.js';

const UNIX_PREFIX = 'unix://';

/** A Port as Go's `%v` prints the proto message (text format, zero fields left out): `number:80 protocol:"HTTP"`. */
function portText(p: Port): string {
  const parts: string[] = [];
  if (p.number) parts.push(`number:${p.number}`);
  if (p.protocol) parts.push(`protocol:${JSON.stringify(p.protocol)}`);
  if (p.name) parts.push(`name:${JSON.stringify(p.name)}`);
  if (p.targetPort) parts.push(`target_port:${p.targetPort}`);
  return parts.join(' ');
}

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

function checkServer(c: Collector, field: string, s: Server): void {
  const hosts = s.hosts ?? [];
  if (hosts.length === 0) c.error(at(field, 'hosts'), 'server config must contain at least one host');
  hosts.forEach((h, i) => {
    for (const err of gatewayHostErrors(h)) c.error(at(at(field, 'hosts'), i), err);
  });
  const bind = s.bind ?? '';
  const portOk = checkServerPort(c, at(field, 'port'), s.port, bind);
  if (bind.startsWith(UNIX_PREFIX)) {
    const err = unixAddressError(bind.slice(UNIX_PREFIX.length));
    if (err) c.error(at(field, 'bind'), err);
    if (s.port && (s.port.number ?? 0) !== 0) c.error(at(field, 'bind'), `port number must be 0 for unix domain socket: ${portText(s.port)}`);
  } else if (bind !== '' && !isIPAddress(bind)) {
    c.error(at(field, 'bind'), `${bind} is not a valid IP`);
  }
  checkServerTls(c, at(field, 'tls'), s.tls);
  if (!portOk || !s.port) return;
  const p = parseProtocolName(s.port.protocol);
  if (isTlsProtocol(p) && !s.tls) {
    c.error(field, 'server must have TLS settings for HTTPS/TLS protocols');
  } else if (!isTlsProtocol(p) && s.tls) {
    // A plain HTTP server may carry tls only for httpsRedirect (with a PASSTHROUGH mode, the default).
    const t = s.tls;
    const passthrough = (t.mode ?? 'PASSTHROUGH') === 'PASSTHROUGH' || t.mode === 'AUTO_PASSTHROUGH';
    if (!isHttpProtocol(p)) c.error(at(field, 'tls'), 'server cannot have TLS settings for non HTTPS/TLS ports');
    else if (!passthrough || t.caCertificates || t.privateKey || t.serverCertificate) c.error(at(field, 'tls'), 'server cannot have TLS settings for plain text HTTP ports');
  }
}

/** Reports the server port rules; returns false when one is an error (Istio then skips the TLS-versus-protocol checks). */
function checkServerPort(c: Collector, field: string, port: Port | undefined, bind: string): boolean {
  if (!port) {
    c.error(field, 'port is required');
    return false;
  }
  let ok = true;
  const fail = (f: string, message: string): void => {
    c.error(f, message);
    ok = false;
  };
  if (parseProtocolName(port.protocol) === undefined) {
    fail(at(field, 'protocol'), `invalid protocol ${JSON.stringify(port.protocol ?? '')}, supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP`);
  }
  const number = port.number ?? 0;
  if (number > 0 || !bind.startsWith(UNIX_PREFIX)) {
    const err = portError(number);
    if (err) fail(at(field, 'number'), err);
  }
  if ((port.targetPort ?? 0) > 0) fail(at(field, 'targetPort'), 'targetPort has no impact on Gateways');
  if (!port.name) fail(at(field, 'name'), `port name must be set: ${portText(port)}`);
  return ok;
}
