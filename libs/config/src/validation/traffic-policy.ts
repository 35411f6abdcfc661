// DestinationRule traffic policy rules (validation.go: validateTrafficPolicy, validateOutlierDetection,
// validateConnectionPool, validateLoadBalancer, validatePortTrafficPolicies; agent/validation.go: ValidateTLS).
import type { TrafficPolicy, PortTrafficPolicy, LoadBalancerSettings, ConnectionPoolSettings, OutlierDetection, ClientTLSSettings } from '../istio/destination-rule.js';
import { parseDuration, durationToMillis } from '../duration.js';
import { at, type Collector } from './collector.js';
import { checkLocalityLbSetting, checkZoneAwareLbSetting } from './locality.js';
import { fqdnError, isIPAddress } from './hostname.js';
import { checkDuration, intPercentError, portError } from './primitives.js';

/** Reports every Istio rule for a traffic policy (top level or a subset's), in Istio's order (validateTrafficPolicy). */
export function checkTrafficPolicy(c: Collector, field: string, p: TrafficPolicy | undefined, ns: string): void {
  if (!p) return;
  if (!p.outlierDetection && !p.connectionPool && !p.loadBalancer && !p.tls && !p.portLevelSettings && !p.tunnel && !p.proxyProtocol && !p.retryBudget) {
    return c.error(field, 'traffic policy must have at least one field');
  }
  if (p.tunnel && p.proxyProtocol) return c.error(field, 'tunnel and proxyProtocol must not be set together');
  checkOutlierDetection(c, at(field, 'outlierDetection'), p.outlierDetection);
  checkConnectionPool(c, at(field, 'connectionPool'), p.connectionPool);
  checkLoadBalancer(c, at(field, 'loadBalancer'), p.loadBalancer, p.outlierDetection);
  checkClientTls(c, at(field, 'tls'), p.tls, ns);
  (p.portLevelSettings ?? []).forEach((s, i) => checkPortPolicy(c, at(at(field, 'portLevelSettings'), i), s, ns));
  if (p.tunnel) {
    const tf = at(field, 'tunnel');
    const proto = p.tunnel.protocol ?? '';
    if (proto !== '' && proto !== 'CONNECT' && proto !== 'POST') c.error(at(tf, 'protocol'), 'tunnel protocol must be "CONNECT" or "POST"');
    const target = p.tunnel.targetHost ?? '';
    const fqdnErr = fqdnError(target);
    if (fqdnErr && !isIPAddress(target)) c.error(at(tf, 'targetHost'), `tunnel target host must be valid FQDN or IP address: ${fqdnErr}; ${target} is not a valid IP`);
    const portErr = portError(p.tunnel.targetPort ?? 0);
    if (portErr) c.error(at(tf, 'targetPort'), `tunnel target port is invalid: ${portErr}`);
  }
}

/** Istio's validatePortTrafficPolicies for one entry (the port number itself is not checked, as in Istio). */
function checkPortPolicy(c: Collector, field: string, p: PortTrafficPolicy, ns: string): void {
  if (!p.port) c.error(field, 'portTrafficPolicy must have valid port');
  if (!p.outlierDetection && !p.connectionPool && !p.loadBalancer && !p.tls) return c.error(field, 'port traffic policy must have at least one field');
  checkOutlierDetection(c, at(field, 'outlierDetection'), p.outlierDetection);
  checkConnectionPool(c, at(field, 'connectionPool'), p.connectionPool);
  checkLoadBalancer(c, at(field, 'loadBalancer'), p.loadBalancer, p.outlierDetection);
  checkClientTls(c, at(field, 'tls'), p.tls, ns);
}

function checkOutlierDetection(c: Collector, field: string, o: OutlierDetection | undefined): void {
  if (!o) return;
  checkDuration(c, at(field, 'baseEjectionTime'), o.baseEjectionTime);
  if (o.consecutiveErrors !== undefined && o.consecutiveErrors !== 0) {
    c.warn(at(field, 'consecutiveErrors'), 'outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead');
  }
  if (!o.splitExternalLocalOriginErrors && (o.consecutiveLocalOriginFailures ?? 0) > 0) {
    c.error(field, 'outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false');
  }
  checkDuration(c, at(field, 'interval'), o.interval);
  for (const k of ['maxEjectionPercent', 'minHealthPercent'] as const) {
    const err = o[k] === undefined ? undefined : intPercentError(o[k]);
    if (err) c.error(at(field, k), err);
  }
}

function checkConnectionPool(c: Collector, field: string, p: ConnectionPoolSettings | undefined): void {
  if (!p) return;
  if (!p.http && !p.tcp) return c.error(field, 'connection pool must have at least one field');
  const http = p.http;
  if (http) {
    const hf = at(field, 'http');
    const negative = (k: 'http1MaxPendingRequests' | 'http2MaxRequests' | 'maxRequestsPerConnection' | 'maxRetries' | 'maxConcurrentStreams', label: string): void => {
      if ((http[k] ?? 0) < 0) c.error(at(hf, k), `${label} must be non-negative`);
    };
    negative('http1MaxPendingRequests', 'http1 max pending requests');
    negative('http2MaxRequests', 'http2 max requests');
    negative('maxRequestsPerConnection', 'max requests per connection');
    negative('maxRetries', 'max retries');
    checkDuration(c, at(hf, 'idleTimeout'), http.idleTimeout);
    if (http.h2UpgradePolicy === 'UPGRADE' && http.useClientProtocol) c.error(hf, 'use client protocol must not be true when H2UpgradePolicy is UPGRADE');
    negative('maxConcurrentStreams', 'max concurrent streams');
    const ka = http.http2KeepAlive;
    if (ka) {
      const kf = at(hf, 'http2KeepAlive');
      if (ka.interval === undefined) c.error(kf, 'http2 keepalive interval is required');
      else checkDuration(c, at(kf, 'interval'), ka.interval);
      if (ka.timeout === undefined) c.error(kf, 'http2 keepalive timeout is required');
      else checkDuration(c, at(kf, 'timeout'), ka.timeout);
    }
  }
  const tcp = p.tcp;
  if (tcp) {
    const tf = at(field, 'tcp');
    if ((tcp.maxConnections ?? 0) < 0) c.error(at(tf, 'maxConnections'), 'max connections must be non-negative');
    checkDuration(c, at(tf, 'connectTimeout'), tcp.connectTimeout);
    checkDuration(c, at(tf, 'maxConnectionDuration'), tcp.maxConnectionDuration);
    // An idle timeout under 1ms (0s) disables it; Istio skips the check then.
    const idle = tcp.idleTimeout === undefined ? undefined : parseDuration(tcp.idleTimeout);
    if (idle && durationToMillis(idle) !== 0) checkDuration(c, at(tf, 'idleTimeout'), tcp.idleTimeout);
    const ka = tcp.tcpKeepalive;
    if (ka) {
      checkDuration(c, at(at(tf, 'tcpKeepalive'), 'time'), ka.time);
      checkDuration(c, at(at(tf, 'tcpKeepalive'), 'interval'), ka.interval);
    }
  }
}

/** Envoy's (and Istio's) isPrime: 1, 2 and 3 count as prime, 0 does not. */
function isPrime(x: number): boolean {
  if (x !== 0 && x < 4) return true;
  if (x % 2 === 0) return false;
  for (let f = 3; f * f <= x; f += 2) if (x % f === 0) return false;
  return true;
}

function checkLoadBalancer(c: Collector, field: string, lb: LoadBalancerSettings | undefined, outlier: OutlierDetection | undefined): void {
  if (!lb) return;
  const ch = lb.consistentHash;
  if (ch) {
    const cf = at(field, 'consistentHash');
    const cookie = ch.httpCookie;
    if (cookie) {
      const kf = at(cf, 'httpCookie');
      if (!cookie.name) c.error(kf, 'name required for HttpCookie');
      const seen = new Set<string>();
      for (const a of cookie.attributes ?? []) {
        if (!a.name) c.error(at(kf, 'attributes'), 'cookie attribute name cannot be empty');
        else if (seen.has(a.name)) c.error(at(kf, 'attributes'), `duplicate cookie attribute name: ${a.name}`);
        else seen.add(a.name);
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
      if (size >= 5000011) c.error(at(cf, 'maglev'), 'tableSize must be less than 5000011 for maglev');
      if (!isPrime(size)) c.error(at(cf, 'maglev'), 'tableSize must be a prime number for maglev');
    }
  }
  if (lb.localityLbSetting && lb.zoneAwareLbSetting) c.error(field, 'only one of localityLbSetting and zoneAwareLbSetting can be set');
  checkLocalityLbSetting(c, at(field, 'localityLbSetting'), lb.localityLbSetting, outlier);
  checkZoneAwareLbSetting(c, at(field, 'zoneAwareLbSetting'), lb.zoneAwareLbSetting, outlier);
  const w = lb.warmup;
  if (w) {
    const wf = at(field, 'warmup');
    if (w.duration === undefined) c.error(wf, 'duration is required');
    else checkDuration(c, at(wf, 'duration'), w.duration);
    if ((w.minimumPercent ?? 0) > 100) c.error(at(wf, 'minimumPercent'), 'minimumPercent value should be less than or equal to 100');
    if (w.aggression !== undefined && w.aggression <= 0) c.error(at(wf, 'aggression'), 'aggression should be greater than 0');
  }
}

const CONFIGMAP_URI = 'configmap://';

/** Returns Istio's error for a `configmap://NAMESPACE/NAME` credential (credentials.ParseResourceName), which must be in the config's namespace. */
function configMapCredentialError(name: string, namespace: string): string | undefined {
  if (!name.startsWith(CONFIGMAP_URI)) return undefined;
  const split = name.slice(CONFIGMAP_URI.length).split('/');
  const q = JSON.stringify(name);
  const parseErr = split.length <= 1 ? `invalid resource name ${q}. Expected namespace and name`
    : split[0] === '' ? `invalid resource name ${q}. Expected namespace` : split[1] === '' ? `invalid resource name ${q}. Expected name` : undefined;
  if (parseErr) return `invalid configmap:// credentialName: ${parseErr}`;
  if (split[0] !== namespace || namespace === '') return `invalid configmap:// credentialName: namespace must match the configuration namespace ${JSON.stringify(namespace)}`;
  return undefined;
}

/** Reports Istio's client TLS rules (ValidateTLS). */
export function checkClientTls(c: Collector, field: string, t: ClientTLSSettings | undefined, namespace: string): void {
  if (!t) return;
  const cmErr = t.credentialName === undefined ? undefined : configMapCredentialError(t.credentialName, namespace);
  if (cmErr) c.error(at(field, 'credentialName'), cmErr);
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
