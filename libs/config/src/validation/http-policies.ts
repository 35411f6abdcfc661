// The per-route policies of an HTTPRoute (validation.go: validateHTTPRedirect, validateHTTPDirectResponse,
// validateHTTPRewrite, validateCORSPolicy, validateHTTPFaultInjection*, validateHTTPMirrors; agent/validation.go:
// ValidateHTTPRetry; virtualservice.go: the mirror percentages and validateAuthorityRewrite).
import type { HTTPRoute, HTTPRedirect, HTTPDirectResponse, HTTPRewrite, HTTPRetry, HTTPFaultInjection, CorsPolicy } from '../istio/virtual-service.js';
import { parseDuration } from '../duration.js';
import { at, type Collector } from './collector.js';
import { checkDestination } from './destination.js';
import { corsHeaderNameError, isAuthorityHeader } from './headers.js';
import { checkDuration, durationError, goFixed, percentValueError, portError } from './primitives.js';
import { checkRegex, checkStringMatch } from './regex.js';

/** Returns Istio's error for an HTTP status outside 200..600 (600 is accepted, as in Istio), or undefined. */
function httpStatusError(status: number): string | undefined {
  return status < 200 || status > 600 ? `HTTP status ${status} is not in range 200-599` : undefined;
}

/** Reports Istio's redirect rules. As Istio, only the first problem found is reported. */
export function checkRedirect(c: Collector, field: string, r: HTTPRedirect | undefined, route: HTTPRoute): void {
  if (!r) return;
  const err = redirectError(r, route);
  if (err) c.error(at(field, err[0]), err[1]);
}

function redirectError(r: HTTPRedirect, route: HTTPRoute): [string, string] | undefined {
  if (r.uri && r.prefixRewrite) return ['', 'redirect may only specify one of uri or prefix_rewrite'];
  if (r.prefixRewrite && (route.match ?? []).some((m) => m.uri && m.uri.prefix === undefined)) {
    return ['', 'redirect prefix_rewrite requires all URI matches to use prefix match type'];
  }
  if (!r.uri && !r.prefixRewrite && !r.authority && r.port === undefined && r.derivePort === undefined && !r.scheme) {
    return ['', 'redirect must specify URI, authority, scheme, or port'];
  }
  if (r.redirectCode !== undefined && r.redirectCode !== 0 && (r.redirectCode < 300 || r.redirectCode > 399)) {
    return ['redirectCode', `${r.redirectCode} is not a valid redirect code, must be 3xx`];
  }
  if (r.scheme && r.scheme !== 'http' && r.scheme !== 'https') return ['scheme', 'invalid redirect scheme, must be "http" or "https"'];
  const portErr = r.port !== undefined && r.port > 0 ? portError(r.port) : undefined;
  return portErr ? ['port', portErr] : undefined;
}

const KIB = 1024;
const MIB = 1024 * KIB;

function bodySize(body: { string?: string | undefined; bytes?: string | undefined } | undefined): number {
  if (body?.string !== undefined) return new TextEncoder().encode(body.string).length;
  if (body?.bytes === undefined) return 0;
  try {
    return atob(body.bytes).length;
  } catch {
    return body.bytes.length;
  }
}

/** Reports Istio's direct response rules: body size (over 100 KiB warned, over 1 MiB rejected) and status range. */
export function checkDirectResponse(c: Collector, field: string, d: HTTPDirectResponse | undefined): void {
  if (!d) return;
  const size = bodySize(d.body);
  if (size > MIB) c.error(at(field, 'body'), 'large direct_responses may impact control plane performance, must be less than 1MB');
  else if (size > 100 * KIB) c.warn(at(field, 'body'), 'large direct_responses may impact control plane performance');
  const err = httpStatusError(d.status);
  if (err) c.error(at(field, 'status'), err);
}

/** Reports Istio's rewrite rules; as Istio, only the first problem found is reported. */
export function checkRewrite(c: Collector, field: string, r: HTTPRewrite | undefined): void {
  if (!r) return;
  if (r.uri && r.uriRegexRewrite) return c.error(field, 'rewrite may only contain one of URI or UriRegexRewrite');
  if (!r.uri && !r.uriRegexRewrite && !r.authority) {
    return c.error(field, 'rewrite must specify at least one of URI, UriRegexRewrite, or authority. Only one of URI or UriRegexRewrite may be specified');
  }
  const rx = r.uriRegexRewrite;
  if (!rx) return;
  // Istio joins "UriRegexRewrite has errors" and the cause into one two-line error; it is reported here as two problems.
  const rf = at(field, 'uriRegexRewrite');
  if (!rx.match || !rx.rewrite) {
    c.error(rf, 'UriRegexRewrite has errors');
    c.error(rf, 'UriRegexRewrite requires both Rewrite and Match fields to be specified');
    return;
  }
  const problems: string[] = [];
  checkRegex({ error: (_f, m) => problems.push(m), warn: () => undefined }, rf, rx.match, 'HTTPRewrite.UriRegexRewrite.Match');
  if (problems.length > 0) {
    c.error(rf, 'UriRegexRewrite has errors');
    for (const m of problems) c.error(at(rf, 'match'), m);
  }
}

/** Reports that the authority is set at most once (rewrite.authority, then request header set, then add); the first conflict only, as Istio. */
export function checkAuthorityRewrite(c: Collector, field: string, route: HTTPRoute): void {
  let current = route.rewrite?.authority ?? '';
  for (const kind of ['set', 'add'] as const) {
    for (const [name, value] of Object.entries(route.headers?.request?.[kind] ?? {})) {
      if (!isAuthorityHeader(name)) continue;
      if (current !== '') {
        c.error(field, `authority header cannot be set multiple times: have ${JSON.stringify(current)}, attempting to set ${JSON.stringify(value)}`);
        return;
      }
      current = value;
    }
  }
}

const RETRY_ON = new Set([
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'envoy-ratelimited', 'retriable-4xx', 'refused-stream',
  'retriable-status-codes', 'retriable-headers', 'http3-post-connect-failure', 'cancelled', 'deadline-exceeded', 'internal',
  'resource-exhausted', 'unavailable',
]);
// The status codes Go's net/http names (http.StatusText): Istio accepts these as retryOn entries.
const HTTP_STATUS = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308, 400, 401, 402, 403,
  404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500,
  501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);

/** Go's strconv.Atoi as Istio uses it on a retryOn entry: an optionally signed decimal, else 0. */
function atoi(s: string): number {
  return /^[+-]?\d+$/.test(s) ? Number(s) : 0;
}

/** Reports Istio's retry rules: attempts, per-try timeout, retryOn policies and backoff (ValidateHTTPRetry). */
export function checkRetries(c: Collector, field: string, r: HTTPRetry | undefined): void {
  if (!r) return;
  const attempts = r.attempts ?? 0;
  if (attempts < 0) c.error(at(field, 'attempts'), 'attempts cannot be negative');
  if (attempts === 0 && (r.perTryTimeout !== undefined || (r.retryOn ?? '') !== '' || r.retryRemoteLocalities !== undefined)) {
    c.error(field, 'http retry policy configured when attempts are set to 0 (disabled)');
  }
  checkDuration(c, at(field, 'perTryTimeout'), r.perTryTimeout);
  if (r.retryOn) {
    for (const policy of r.retryOn.split(',')) {
      if (!HTTP_STATUS.has(atoi(policy)) && !RETRY_ON.has(policy)) c.error(at(field, 'retryOn'), `${JSON.stringify(policy)} is not a valid retryOn policy`);
    }
  }
  checkDuration(c, at(field, 'backoff'), r.backoff);
}

const GRPC_STATUS = new Set([
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS',
  'UNAUTHENTICATED',
]);

/** Reports Istio's fault injection rules (validateHTTPFaultInjection, ...Abort, ...Delay). */
export function checkFault(c: Collector, field: string, f: HTTPFaultInjection | undefined): void {
  if (!f) return;
  if (!f.abort && !f.delay) c.error(field, 'HTTP fault injection must have an abort and/or a delay');
  const abort = f.abort;
  if (abort) {
    const af = at(field, 'abort');
    const pct = abort.percentage?.value;
    const pctErr = pct === undefined ? undefined : percentValueError(pct);
    if (pctErr) c.error(at(af, 'percentage'), pctErr);
    if (abort.grpcStatus !== undefined) {
      if (!GRPC_STATUS.has(abort.grpcStatus)) {
        c.error(at(af, 'grpcStatus'), `gRPC status ${JSON.stringify(abort.grpcStatus)} is not supported. See https://github.com/grpc/grpc/blob/master/doc/statuscodes.md for a list of supported codes, for example 'NOT_FOUND'`);
      }
    } else if (abort.http2Error !== undefined) {
      c.error(at(af, 'http2Error'), 'HTTP/2 abort fault injection not supported yet');
    } else if (abort.httpStatus !== undefined) {
      const err = httpStatusError(abort.httpStatus);
      if (err) c.error(at(af, 'httpStatus'), err);
    } else {
      c.warn(af, 'abort configured, but error type not set');
    }
  }
  const delay = f.delay;
  if (delay) {
    const df = at(field, 'delay');
    const pct = delay.percentage?.value;
    const pctErr = pct === undefined ? undefined : percentValueError(pct);
    if (pctErr) c.error(at(df, 'percentage'), pctErr);
    if (delay.fixedDelay !== undefined) checkDuration(c, at(df, 'fixedDelay'), delay.fixedDelay);
    else if (delay.exponentialDelay !== undefined) {
      checkDuration(c, at(df, 'exponentialDelay'), delay.exponentialDelay);
      c.error(at(df, 'exponentialDelay'), 'exponentialDelay not supported yet');
    }
  }
}

/** Reports Istio's mirror rules (mirrorPercent, mirrorPercentage, mirror, mirrors), in Istio's order. */
export function checkMirrors(c: Collector, field: string, route: HTTPRoute): void {
  if (route.mirrorPercent !== undefined) {
    if (route.mirrorPercent > 100) c.error(at(field, 'mirrorPercent'), `mirror_percent must have a max value of 100 (it has ${route.mirrorPercent})`);
    c.warn(at(field, 'mirrorPercent'), 'using deprecated setting "mirrorPercent", use "mirrorPercentage" instead');
  }
  const mp = route.mirrorPercentage?.value;
  if (mp !== undefined) {
    if (mp > 100) c.error(at(field, 'mirrorPercentage'), `mirror_percentage must have a max value of 100 (it has ${goFixed(mp)})`);
    if (mp < 0) c.error(at(field, 'mirrorPercentage'), `mirror_percentage must have a min value of 0 (it has ${goFixed(mp)})`);
  }
  checkDestination(c, at(field, 'mirror'), route.mirror);
  (route.mirrors ?? []).forEach((m, i) => {
    const f = at(at(field, 'mirrors'), i);
    if (!m.destination) return c.error(f, 'destination is required for mirrors');
    checkDestination(c, at(f, 'destination'), m.destination);
    const v = m.percentage?.value;
    if (v !== undefined && v > 100) c.error(at(f, 'percentage'), `mirror percentage must have a max value of 100 (it has ${goFixed(v)})`);
    if (v !== undefined && v < 0) c.error(at(f, 'percentage'), `mirror percentage must have a min value of 0 (it has ${goFixed(v)})`);
  });
}

const CORS_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', '*']);

/** Reports Istio's CORS rules: origins, methods, header names and max age (validateCORSPolicy). */
export function checkCors(c: Collector, field: string, p: CorsPolicy | undefined): void {
  if (!p) return;
  (p.allowOrigins ?? []).forEach((o, i) => {
    const f = at(at(field, 'allowOrigins'), i);
    const value = o.exact ?? o.prefix ?? o.regex ?? '';
    if (value === '') c.error(f, `'${value}' is not a valid match type for CORS allow origins`);
    else if (o.regex !== undefined) checkStringMatch(c, f, o, 'corsPolicy.allowOrigins');
  });
  (p.allowMethods ?? []).forEach((m, i) => {
    if (!CORS_METHODS.has(m)) c.error(at(at(field, 'allowMethods'), i), `${JSON.stringify(m)} is not a supported HTTP method`);
  });
  for (const kind of ['allowHeaders', 'exposeHeaders'] as const) {
    (p[kind] ?? []).forEach((h, i) => {
      const err = corsHeaderNameError(h);
      if (err) c.error(at(at(field, kind), i), err);
    });
  }
  if (p.maxAge !== undefined) {
    const err = durationError(p.maxAge);
    if (err) c.error(at(field, 'maxAge'), err);
    if ((parseDuration(p.maxAge)?.nanos ?? 0) > 0) c.error(at(field, 'maxAge'), 'max_age duration is accurate only to seconds precision');
  }
}
