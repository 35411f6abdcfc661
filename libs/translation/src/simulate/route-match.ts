import type { routeV3 } from '@minipilot/envoy-api';
import { regexFullMatch, stringMatches } from './string-match.js';
import type { NormalizedRequest } from './request.js';

function pathMatches(match: routeV3.RouteMatch, req: NormalizedRequest): boolean {
  const full = req.path;
  const q = full.indexOf('?');
  const path = q >= 0 ? full.slice(0, q) : full;
  const sensitive = match.caseSensitive ?? true;
  const fold = (s: string): string => (sensitive ? s : s.toLowerCase());
  const p = match.pathSpecifier;
  switch (p.case) {
    case 'prefix': return fold(full).startsWith(fold(p.value));
    case 'path': return fold(path) === fold(p.value);
    case 'safeRegex': return regexFullMatch(p.value.regex, path);
    case 'pathSeparatedPrefix': {
      const pre = fold(p.value);
      const x = fold(path);
      return x === pre || x.startsWith(`${pre}/`);
    }
    case 'connectMatcher': return req.method === 'CONNECT';
    default: return false;
  }
}

function valueMatches(h: routeV3.HeaderMatcher, value: string): boolean {
  const s = h.headerMatchSpecifier;
  switch (s.case) {
    case 'exactMatch': return value === s.value;
    case 'prefixMatch': return value.startsWith(s.value);
    case 'suffixMatch': return value.endsWith(s.value);
    case 'containsMatch': return value.includes(s.value);
    case 'safeRegexMatch': return regexFullMatch(s.value.regex, value);
    case 'stringMatch': return stringMatches(s.value, value);
    case 'presentMatch': return s.value;
    case 'rangeMatch': {
      if (!/^-?\d+$/.test(value)) return false;
      const n = BigInt(value);
      return n >= s.value.start && n < s.value.end;
    }
    default: return true; // no specifier: the header must be present
  }
}

/**
 * Evaluates one HeaderMatcher as Envoy does: a missing header (unless treat_missing_header_as_empty)
 * matches only `present_match: false`, or `present_match: true` inverted; otherwise the value test,
 * inverted by invert_match.
 */
export function headerMatches(h: routeV3.HeaderMatcher, headers: ReadonlyMap<string, string>): boolean {
  const value = headers.get(h.name.toLowerCase());
  if (value === undefined && !h.treatMissingHeaderAsEmpty) {
    const present = h.headerMatchSpecifier.case === 'presentMatch' ? h.headerMatchSpecifier.value : undefined;
    return h.invertMatch ? present === true : present === false;
  }
  return valueMatches(h, value ?? '') !== h.invertMatch;
}

function queryMatches(qm: routeV3.QueryParameterMatcher, path: string): boolean {
  const q = path.indexOf('?');
  const params = new URLSearchParams(q >= 0 ? path.slice(q + 1) : '');
  const value = params.get(qm.name);
  const s = qm.queryParameterMatchSpecifier;
  if (s.case === 'presentMatch') return (value !== null) === s.value;
  if (value === null) return false;
  return s.case === 'stringMatch' ? stringMatches(s.value, value) : true;
}

/**
 * True if `route` matches the request: path (prefix, path, safe_regex, path_separated_prefix,
 * case_sensitive), every header matcher (`:method`, `:authority` and the other pseudo-headers
 * included), every query parameter, the gRPC and TLS-context options. Runtime fractions count as
 * matching; dynamic-metadata matchers never match (a simulated request carries no metadata).
 */
export function routeMatches(route: routeV3.Route, req: NormalizedRequest): boolean {
  const match = route.match;
  if (!match || !pathMatches(match, req)) return false;
  if (!match.headers.every((h) => headerMatches(h, req.headers))) return false;
  if (!match.queryParameters.every((qm) => queryMatches(qm, req.path))) return false;
  if (match.grpc && !(req.headers.get('content-type') ?? '').startsWith('application/grpc')) return false;
  if (match.tlsContext) {
    const presented = req.tls === 'mtls';
    if (match.tlsContext.presented !== undefined && match.tlsContext.presented !== presented) return false;
    if (match.tlsContext.validated !== undefined && match.tlsContext.validated !== presented) return false;
  }
  return match.dynamicMetadata.length === 0;
}
