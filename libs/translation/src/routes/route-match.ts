import { create } from '@bufbuild/protobuf';
import { routeV3, matcherV3 } from '@minipilot/envoy-api';
import type { HTTPMatchRequest, StringMatch } from '@minipilot/config';

/**
 * The Envoy RouteMatch for an Istio HTTPMatchRequest, field by field as istiod builds it: prefix `/`
 * when there is no match; uri exact → `path`, prefix → `prefix`, regex → `safe_regex`;
 * `case_sensitive` always set; `headers` and `withoutHeaders` together sorted by name, then `:method`,
 * `:authority`, `:scheme`; `query_parameters` sorted by name (istiod uses Go map order).
 */
export function translateRouteMatch(m: HTTPMatchRequest | undefined): routeV3.RouteMatch {
  const match = create(routeV3.RouteMatchSchema, { pathSpecifier: { case: 'prefix', value: '/' } });
  if (!m) return match;
  const headers: routeV3.HeaderMatcher[] = [];
  for (const [name, sm] of Object.entries(m.headers ?? {})) headers.push(headerMatcher(name, sm));
  for (const [name, sm] of Object.entries(m.withoutHeaders ?? {})) {
    const h = headerMatcher(name, sm);
    h.invertMatch = true;
    // treat_missing_header_as_empty conflicts with present_match.
    if (!isPresentMatch(sm)) h.treatMissingHeaderAsEmpty = true;
    headers.push(h);
  }
  headers.sort((a, b) => compareStrings(a.name, b.name));
  if (m.uri?.exact !== undefined) match.pathSpecifier = { case: 'path', value: m.uri.exact };
  else if (m.uri?.prefix !== undefined) match.pathSpecifier = { case: 'prefix', value: m.uri.prefix };
  else if (m.uri?.regex !== undefined) match.pathSpecifier = { case: 'safeRegex', value: create(matcherV3.RegexMatcherSchema, { regex: m.uri.regex }) };
  match.caseSensitive = !m.ignoreUriCase;
  if (m.method) headers.push(headerMatcher(':method', m.method));
  if (m.authority) headers.push(headerMatcher(':authority', m.authority));
  if (m.scheme) headers.push(headerMatcher(':scheme', m.scheme));
  match.headers = headers;
  match.queryParameters = Object.keys(m.queryParams ?? {}).sort(compareStrings).map((name) => queryParameterMatcher(name, m.queryParams![name]!));
  return match;
}

/** True if a match uses JWT-claim pseudo headers (`@request.auth.claims...`), which need the JWT filter's metadata. */
export function usesClaimHeaders(m: HTTPMatchRequest | undefined): boolean {
  const names = [...Object.keys(m?.headers ?? {}), ...Object.keys(m?.withoutHeaders ?? {})];
  return names.some((n) => n.startsWith('@request.auth.claims'));
}

/**
 * True if an Envoy route matches every request (istiod's IsCatchAllRoute): prefix `/` (or
 * path_separated_prefix `/`, or regex `.*`) and no header, query parameter or metadata matchers.
 */
export function isCatchAllRoute(r: routeV3.Route): boolean {
  return isCatchAllMatch(r.match);
}

/** True if a RouteMatch matches every request (see {@link isCatchAllRoute}). */
export function isCatchAllMatch(m: routeV3.RouteMatch | undefined): boolean {
  const ps = m?.pathSpecifier;
  let all = false;
  if (ps?.case === 'prefix' || ps?.case === 'pathSeparatedPrefix') all = ps.value === '/';
  else if (ps?.case === 'safeRegex') all = ps.value.regex === '.*';
  return all && (m?.headers.length ?? 0) === 0 && (m?.queryParameters.length ?? 0) === 0 && (m?.dynamicMetadata.length ?? 0) === 0;
}

/**
 * Moves catch-all routes to the end, keeping the relative order of the others (istiod's
 * SortVHostRoutes, used when a gateway virtual host concatenates several VirtualServices).
 */
export function sortVirtualHostRoutes(routes: readonly routeV3.Route[]): routeV3.Route[] {
  return [...routes.filter((r) => !isCatchAllRoute(r)), ...routes.filter(isCatchAllRoute)];
}

/** An Envoy StringMatcher for an Istio StringMatch; undefined for an empty match or regex `*` (header present). */
export function stringMatcher(sm: StringMatch): matcherV3.StringMatcher | undefined {
  if (sm.exact !== undefined) return create(matcherV3.StringMatcherSchema, { matchPattern: { case: 'exact', value: sm.exact } });
  if (sm.prefix !== undefined) return create(matcherV3.StringMatcherSchema, { matchPattern: { case: 'prefix', value: sm.prefix } });
  if (sm.regex !== undefined && sm.regex !== '*') {
    return create(matcherV3.StringMatcherSchema, { matchPattern: { case: 'safeRegex', value: create(matcherV3.RegexMatcherSchema, { regex: sm.regex }) } });
  }
  return undefined;
}

function isPresentMatch(sm: StringMatch): boolean {
  return sm.exact === undefined && sm.prefix === undefined && (sm.regex === undefined || sm.regex === '*');
}

function headerMatcher(name: string, sm: StringMatch): routeV3.HeaderMatcher {
  const pattern = isPresentMatch(sm) ? undefined : stringMatcher(sm);
  return create(routeV3.HeaderMatcherSchema, {
    name,
    headerMatchSpecifier: pattern ? { case: 'stringMatch', value: pattern } : { case: 'presentMatch', value: true },
  });
}

function queryParameterMatcher(name: string, sm: StringMatch): routeV3.QueryParameterMatcher {
  const pattern = isPresentMatch(sm) ? undefined : stringMatcher(sm);
  return create(routeV3.QueryParameterMatcherSchema, {
    name,
    queryParameterMatchSpecifier: pattern ? { case: 'stringMatch', value: pattern } : { case: 'presentMatch', value: true },
  });
}

/** Byte-wise string order, as Go's `<` on strings (not locale order). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
