// DestinationRule traffic policy rules (Istio's validateTrafficPolicy and friends).
import type { TrafficPolicy, PortTrafficPolicy, LoadBalancerSettings, ConnectionPoolSettings, OutlierDetection, ClientTLSSettings } from '../istio/destination-rule.js';
import { at, atKey, type Collector } from './collector.js';
import { fqdnError, isIPAddress } from './hostname.js';
import { checkDuration, intPercentError, portError } from './primitives.js';

/** Reports every Istio rule for a traffic policy (top level or a subset's). */
export function checkTrafficPolicy(c: Collector, field: string, p: TrafficPolicy | undefined): void {
  if (!p) return;
  if (!p.outlierDetection && !p.connectionPool && !p.loadBalancer && !p.tls && !p.portLevelSettings && !p.tunnel && !p.proxyProtocol) {
    c.error(field, 'traffic policy must have at least one field');
    return;
  }
  if (p.tunnel && p.proxyProtocol) c.error(field, 'tunnel and proxyProtocol must not be set together');
  checkOutlierDetection(c, at(field, 'outlierDetection'), p.outlierDetection);
  checkConnectionPool(c, at(field, 'connectionPool'), p.connectionPool);
  checkLoadBalancer(c, at(field, 'loadBalancer'), p.loadBalancer, p.outlierDetection);
  checkClientTls(c, at(field, 'tls'), p.tls);
  (p.portLevelSettings ?? []).forEach((s, i) => checkPortPolicy(c, at(at(field, 'portLevelSettings'), i), s));
  if (p.tunnel) {
    const tf = at(field, 'tunnel');
    const proto = p.tunnel.protocol ?? '';
    if (proto !== '' && proto !== 'CONNECT' && proto !== 'POST') c.error(at(tf, 'protocol'), 'tunnel protocol must be "CONNECT" or "POST"');
    const target = p.tunnel.targetHost ?? '';
    const fqdnErr = fqdnError(target);
    if (fqdnErr && !isIPAddress(target)) c.error(at(tf, 'targetHost'), `tunnel target host must be valid FQDN or IP address: ${fqdnErr}`);
    const portErr = portError(p.tunnel.targetPort ?? 0);
    if (portErr) c.error(at(tf, 'targetPort'), `tunnel target port is invalid: ${portErr}`);
  }
}

function checkPortPolicy(c: Collector, field: string, p: PortTrafficPolicy): void {
  if (!p.port) c.error(field, 'portTrafficPolicy must have valid port');
  else {
    const err = portError(p.port.number ?? 0);
    if (err) c.error(at(field, 'port'), err);
  }
  if (!p.outlierDetection && !p.connectionPool && !p.loadBalancer && !p.tls) {
    c.error(field, 'port traffic policy must have at least one field');
    return;
  }
  checkOutlierDetection(c, at(field, 'outlierDetection'), p.outlierDetection);
  checkConnectionPool(c, at(field, 'connectionPool'), p.connectionPool);
  checkLoadBalancer(c, at(field, 'loadBalancer'), p.loadBalancer, p.outlierDetection);
  checkClientTls(c, at(field, 'tls'), p.tls);
}

function checkOutlierDetection(c: Collector, field: string, o: OutlierDetection | undefined): void {
  if (!o) return;
  checkDuration(c, at(field, 'baseEjectionTime'), o.baseEjectionTime, 'outlier detection base ejection time invalid: ');
  if (o.consecutiveErrors !== undefined && o.consecutiveErrors !== 0) {
    c.warn(at(field, 'consecutiveErrors'), 'outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead');
  }
  if (!o.splitExternalLocalOriginErrors && (o.consecutiveLocalOriginFailures ?? 0) > 0) {
    c.error(field, 'outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false');
  }
  checkDuration(c, at(field, 'interval'), o.interval, 'outlier detection check interval invalid: ');
  for (const k of ['maxEjectionPercent', 'minHealthPercent'] as const) {
    const err = o[k] === undefined ? undefined : intPercentError(o[k]);
    if (err) c.error(at(field, k), err);
  }
}

function checkConnectionPool(c: Collector, field: string, p: ConnectionPoolSettings | undefined): void {
  if (!p) return;
  if (!p.http && !p.tcp) c.error(field, 'connection pool must have at least one field');
  const http = p.http;
  if (http) {
    const hf = at(field, 'http');
    const nonNegative = [
      ['http1MaxPendingRequests', 'http1 max pending requests'], ['http2MaxRequests', 'http2 max requests'],
      ['maxRequestsPerConnection', 'max requests per connection'], ['maxRetries', 'max retries'], ['maxConcurrentStreams', 'max concurrent streams'],
    ] as const;
    for (const [k, label] of nonNegative) if ((http[k] ?? 0) < 0) c.error(at(hf, k), `${label} must be non-negative`);
    checkDuration(c, at(hf, 'idleTimeout'), http.idleTimeout, 'invalid idle timeout: ');
    if (http.h2UpgradePolicy === 'UPGRADE' && http.useClientProtocol) c.error(hf, 'use client protocol must not be true when H2UpgradePolicy is UPGRADE');
    const ka = http.http2KeepAlive;
    if (ka) {
      const kf = at(hf, 'http2KeepAlive');
      if (ka.interval === undefined) c.error(kf, 'http2 keepalive interval is required');
      if (ka.timeout === undefined) c.error(kf, 'http2 keepalive timeout is required');
      checkDuration(c, at(kf, 'interval'), ka.interval);
      checkDuration(c, at(kf, 'timeout'), ka.timeout);
    }
  }
  const tcp = p.tcp;
  if (tcp) {
    const tf = at(field, 'tcp');
    if ((tcp.maxConnections ?? 0) < 0) c.error(at(tf, 'maxConnections'), 'max connections must be non-negative');
    checkDuration(c, at(tf, 'connectTimeout'), tcp.connectTimeout, 'invalid connect timeout: ');
    checkDuration(c, at(tf, 'maxConnectionDuration'), tcp.maxConnectionDuration, 'invalid max connection duration: ');
    if (tcp.idleTimeout !== undefined && !/^[-+]?0+(\.0*)?[a-zµμ]*$/.test(tcp.idleTimeout.trim())) {
      checkDuration(c, at(tf, 'idleTimeout'), tcp.idleTimeout, 'invalid idle timeout: ');
    }
    const ka = tcp.tcpKeepalive;
    if (ka) {
      checkDuration(c, at(at(tf, 'tcpKeepalive'), 'time'), ka.time, 'invalid time: ');
      checkDuration(c, at(at(tf, 'tcpKeepalive'), 'interval'), ka.interval, 'invalid interval: ');
    }
  }
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let i = 2; i * i <= n; i++) if (n % i === 0) return false;
  return true;
}

type LocalitySetting = NonNullable<LoadBalancerSettings['localityLbSetting']>;

function checkLoadBalancer(c: Collector, field: string, lb: LoadBalancerSettings | undefined, outlier: OutlierDetection | undefined): void {
  if (!lb) return;
  const ch = lb.consistentHash;
  if (ch) {
    const cf = at(field, 'consistentHash');
    const cookie = ch.httpCookie;
    if (cookie) {
      if (!cookie.name) c.error(at(cf, 'httpCookie'), 'name required for HttpCookie');
      const seen = new Set<string>();
      for (const a of cookie.attributes ?? []) {
        if (!a.name) c.error(at(at(cf, 'httpCookie'), 'attributes'), 'cookie attribute name cannot be empty');
        else if (seen.has(a.name)) c.error(at(at(cf, 'httpCookie'), 'attributes'), `duplicate cookie attribute name: ${a.name}`);
        if (a.name) seen.add(a.name);
      }
    }
    if (ch.minimumRingSize !== undefined && ch.minimumRingSize !== 0) {
      c.warn(at(cf, 'minimumRingSize'), "consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead");
      if (ch.ringHash || ch.maglev) c.error(cf, 'only one of MinimumRingSize or Maglev/Ringhash can be specified');
    }
    const ml = ch.maglev;
    if (ml) {
      const size = ml.tableSize ?? 0;
      if (size === 0) c.error(at(cf, 'maglev'), 'tableSize must be set for maglev');
      else if (size >= 5000011) c.error(at(cf, 'maglev'), 'tableSize must be less than 5000011 for maglev');
      else if (!isPrime(size)) c.error(at(cf, 'maglev'), 'tableSize must be a prime number for maglev');
    }
  }
  if (lb.localityLbSetting && lb.zoneAwareLbSetting) c.error(field, 'only one of localityLbSetting and zoneAwareLbSetting can be set');
  const locality = lb.localityLbSetting ?? lb.zoneAwareLbSetting;
  if (locality) checkLocality(c, at(field, lb.localityLbSetting ? 'localityLbSetting' : 'zoneAwareLbSetting'), locality, outlier);
  const w = lb.warmup;
  if (w) {
    const wf = at(field, 'warmup');
    if (w.duration === undefined) c.error(wf, 'duration is required');
    else checkDuration(c, at(wf, 'duration'), w.duration);
    if (w.minimumPercent !== undefined && (w.minimumPercent < 0 || w.minimumPercent > 100)) c.error(at(wf, 'minimumPercent'), 'minimumPercent value should be less than or equal to 100');
    if (w.aggression !== undefined && w.aggression <= 0) c.error(at(wf, 'aggression'), 'aggression should be greater than 0');
  }
}

function checkLocality(c: Collector, field: string, lb: LocalitySetting, outlier: OutlierDetection | undefined): void {
  const distribute = lb.distribute ?? [];
  const failover = lb.failover ?? [];
  if (distribute.length > 0 && failover.length > 0) c.error(field, "can not simultaneously specify 'distribute' and 'failover'");
  if (failover.length > 0 && !outlier) c.warn(field, 'outlier detection policy must be provided for failover');
  distribute.forEach((d, i) => {
    const f = at(at(field, 'distribute'), i);
    let total = 0;
    for (const [loc, weight] of Object.entries(d.to ?? {})) {
      if (weight <= 0 || weight > 100) c.error(atKey(at(f, 'to'), loc), 'locality weight must be in range [1, 100]');
      total += weight;
    }
    if (total !== 100) c.error(at(f, 'to'), `total locality weight ${total} != 100`);
  });
  failover.forEach((fo, i) => {
    const f = at(at(field, 'failover'), i);
    const from = fo.from ?? '';
    const to = fo.to ?? '';
    if (from === to) c.error(f, 'locality lb failover settings must specify different regions');
    if (from.includes('/') || to.includes('/')) c.error(f, 'locality lb failover only specify region');
    if (from.includes('*') || to.includes('*')) c.error(f, "locality lb failover region should not contain '*' wildcard");
  });
}

/** Reports Istio's client TLS rules (ValidateTLS). */
export function checkClientTls(c: Collector, field: string, t: ClientTLSSettings | undefined): void {
  if (!t) return;
  if (t.insecureSkipVerify) {
    if (t.mode === 'SIMPLE' && (t.caCertificates || t.credentialName || t.subjectAltNames)) {
      c.error(field, 'cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true');
    }
    if (t.mode === 'MUTUAL' && (t.caCertificates || t.subjectAltNames)) {
      c.error(field, 'cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true');
    }
  }
  if ((t.mode === 'SIMPLE' || t.mode === 'MUTUAL') && t.credentialName) {
    if (t.clientCertificate || t.caCertificates || t.privateKey || t.caCrl) {
      c.error(field, 'cannot specify client certificates or CA certificate or CA CRL If credentialName is set');
    }
    return;
  }
  if (t.mode === 'MUTUAL') {
    if (!t.clientCertificate) c.error(field, 'client certificate required for mutual tls');
    if (!t.privateKey) c.error(field, 'private key required for mutual tls');
  }
}
