import type { HTTPMatchRequest, HTTPRoute, StringMatch, VirtualServiceConfig } from '@minipilot/config';
import { resolveGatewayName, resolveHost } from './host.js';

/** A delegate VirtualService (one without hosts) as a root sees it: its config and resolved `exportTo`. */
export interface DelegateCandidate {
  readonly config: VirtualServiceConfig;
  /** `exportTo` with `.` replaced by the delegate's namespace (the mesh default when it sets none). */
  readonly exportTo: readonly string[];
}

/** A root VirtualService's `http` routes after delegation. */
export interface DelegationResult {
  /** The root's routes with each `delegate` route replaced by the delegate's routes merged into it. */
  readonly http: readonly HTTPRoute[];
  /** The delegates that were merged, in order of use (their revisions enter cache keys). */
  readonly delegates: readonly VirtualServiceConfig[];
  /** istiod's warnings for the delegation (missing or unexported delegates, conflicting matches). */
  readonly warnings: readonly string[];
}

/**
 * Merges a root VirtualService's `delegate` routes as istiod does (pilot/pkg/model
 * virtualservice_controller.go mergeVirtualServices): a `delegate` route names a VirtualService
 * without hosts (`namespace` defaults to the root's); a delegate that does not exist (or has hosts)
 * or is not exported to the root's namespace drops only that route, with istiod's warning. Else each
 * of the delegate's routes is merged into the root route ({@link mergeHttpRoute}); a delegate's own
 * hosts and gateway names are resolved in the delegate's namespace first. The root keeps its other
 * routes, in order. Returns undefined for a VirtualService that delegates nothing.
 */
export function mergeDelegates(root: VirtualServiceConfig, findDelegate: (namespace: string, name: string) => DelegateCandidate | undefined): DelegationResult | undefined {
  const routes = root.spec.http ?? [];
  if (!routes.some((r) => r.delegate)) return undefined;
  const rootNs = root.metadata.namespace;
  const rootName = `${rootNs}/${root.metadata.name}`;
  const http: HTTPRoute[] = [];
  const delegates: VirtualServiceConfig[] = [];
  const warnings: string[] = [];
  for (const route of routes) {
    if (!route.delegate) {
      http.push(route);
      continue;
    }
    const ns = route.delegate.namespace || rootNs;
    const name = route.delegate.name ?? '';
    const delegate = findDelegate(ns, name);
    if (!delegate) {
      warnings.push(`delegate virtual service ${ns}/${name} of ${rootName} not found`);
      continue;
    }
    if (!delegate.exportTo.includes('*') && !delegate.exportTo.includes(rootNs)) {
      warnings.push(`delegate virtual service ${ns}/${name} of ${rootName} is not exported to ${rootNs}`);
      continue;
    }
    if (!delegates.includes(delegate.config)) delegates.push(delegate.config);
    const rootRoute = resolveRouteNames(route, rootNs);
    for (const leaf of delegate.config.spec.http ?? []) {
      const merged = mergeHttpRoute(rootRoute, resolveRouteNames(leaf, ns));
      if (merged) http.push(merged);
      else warnings.push(`HTTPMatchRequests conflict: root route ${route.name ?? ''}, delegate route ${leaf.name ?? ''}`);
    }
  }
  return { http, delegates, warnings };
}

/**
 * Merges one delegate route into its root route (istiod's mergeHTTPRoute): undefined when their
 * matches conflict ({@link mergeHttpMatchRequests}); else the delegate route with the merged
 * matches, the name `root-delegate` (either alone when the other is empty), and the root's rewrite,
 * direct response, timeout, retries, fault, mirrors, CORS policy and headers where the delegate
 * sets none. The result has no `delegate`.
 */
export function mergeHttpRoute(root: HTTPRoute, delegate: HTTPRoute): HTTPRoute | undefined {
  const match = mergeHttpMatchRequests(root.match ?? [], delegate.match ?? []);
  if (!match) return undefined;
  const name = !delegate.name ? root.name : root.name ? `${root.name}-${delegate.name}` : delegate.name;
  const out: HTTPRoute = { ...delegate, ...(match.length > 0 ? { match } : {}), ...(name ? { name } : {}) };
  const inherited = ['rewrite', 'directResponse', 'timeout', 'retries', 'fault', 'mirror', 'mirrorPercent', 'mirrorPercentage', 'corsPolicy', 'mirrors', 'headers'] as const;
  const target = out as Record<string, unknown>;
  for (const k of inherited) if (delegate[k] === undefined && root[k] !== undefined) target[k] = root[k];
  return out;
}

/**
 * istiod's mergeHTTPMatchRequests: with matches on one side only, those; else every delegate match
 * must merge with at least one root match it does not conflict with ({@link hasMatchConflict}), and
 * yields one merged match per such root match ({@link mergeHttpMatchRequest}). Undefined on conflict.
 */
export function mergeHttpMatchRequests(root: readonly HTTPMatchRequest[], delegate: readonly HTTPMatchRequest[]): HTTPMatchRequest[] | undefined {
  if (root.length === 0) return [...delegate];
  if (delegate.length === 0) return [...root];
  const out: HTTPMatchRequest[] = [];
  for (const leaf of delegate) {
    const merged = root.filter((r) => !hasMatchConflict(r, leaf)).map((r) => mergeHttpMatchRequest(r, leaf));
    if (merged.length === 0) return undefined;
    out.push(...merged);
  }
  return out;
}

/**
 * One merged match (istiod's mergeHTTPMatchRequest): the delegate's match, with the root's uri,
 * scheme, method, authority, port, sourceNamespace, gateways and statPrefix where it has none,
 * headers, withoutHeaders, queryParams and sourceLabels united (the delegate's value wins a key),
 * and the name `root-delegate`.
 */
export function mergeHttpMatchRequest(root: HTTPMatchRequest, leaf: HTTPMatchRequest): HTTPMatchRequest {
  const out: Record<string, unknown> = { ...leaf };
  const name = !leaf.name ? root.name : root.name ? `${root.name}-${leaf.name}` : leaf.name;
  if (name) out['name'] = name;
  for (const k of ['uri', 'scheme', 'method', 'authority', 'sourceNamespace', 'statPrefix'] as const) {
    if (!leaf[k] && root[k]) out[k] = root[k];
  }
  if (!leaf.port && root.port) out['port'] = root.port;
  if ((leaf.gateways ?? []).length === 0 && root.gateways) out['gateways'] = root.gateways;
  for (const k of ['headers', 'withoutHeaders', 'queryParams', 'sourceLabels'] as const) {
    if (root[k] || leaf[k]) out[k] = { ...root[k], ...leaf[k] };
  }
  return out as HTTPMatchRequest;
}

/**
 * istiod's hasConflict: the delegate match `leaf` cannot narrow `root` when one of uri, scheme,
 * method, authority, a header, a withoutHeader or a query parameter conflicts
 * ({@link stringMatchConflict}), ignoreUriCase differs, both set different ports, the root's
 * sourceNamespace differs from the leaf's, a sourceLabel differs, or the leaf lists gateways the
 * root (when it lists any) does not.
 */
export function hasMatchConflict(root: HTTPMatchRequest, leaf: HTTPMatchRequest): boolean {
  for (const k of ['uri', 'scheme', 'method', 'authority'] as const) if (stringMatchConflict(root[k], leaf[k])) return true;
  for (const k of ['headers', 'withoutHeaders', 'queryParams'] as const) {
    for (const [key, value] of Object.entries(leaf[k] ?? {})) if (stringMatchConflict(root[k]?.[key], value)) return true;
  }
  if ((root.ignoreUriCase ?? false) !== (leaf.ignoreUriCase ?? false)) return true;
  if (root.port && leaf.port && root.port !== leaf.port) return true;
  if (root.sourceNamespace && leaf.sourceNamespace !== root.sourceNamespace) return true;
  for (const [key, value] of Object.entries(leaf.sourceLabels ?? {})) {
    const r = root.sourceLabels?.[key];
    if (r !== undefined && r !== value) return true;
  }
  const rootGateways = root.gateways ?? [];
  const leafGateways = leaf.gateways ?? [];
  if (rootGateways.length > 0 && leafGateways.length > 0) {
    if (rootGateways.length < leafGateways.length || leafGateways.some((g) => !rootGateways.includes(g))) return true;
  }
  return false;
}

/**
 * istiod's stringMatchConflict: no conflict when either side is unset; a regex on either side
 * conflicts with any match on the other; an exact root admits only the same exact; a prefix root
 * admits a prefix or exact starting with it; anything else (an empty root match) conflicts.
 */
export function stringMatchConflict(root: StringMatch | undefined, leaf: StringMatch | undefined): boolean {
  if (!root || !leaf) return false;
  if (root.regex && (leaf.regex || leaf.prefix || leaf.exact)) return true;
  if (leaf.regex && (root.regex || root.prefix || root.exact)) return true;
  if (root.exact) return Boolean(leaf.prefix) || leaf.exact !== root.exact;
  if (root.prefix) {
    if (leaf.prefix) return !leaf.prefix.startsWith(root.prefix);
    if (leaf.exact) return !leaf.exact.startsWith(root.prefix);
  }
  return true;
}

/**
 * A route with its destination, mirror and match-gateway names resolved in namespace `ns`
 * (istiod's ResolveVirtualServiceShortnames), so a delegate's short names keep their namespace once
 * merged into a root of another namespace.
 */
function resolveRouteNames(route: HTTPRoute, ns: string): HTTPRoute {
  const dest = <T extends { host: string }>(d: T): T => ({ ...d, host: resolveHost(d.host, ns) });
  return {
    ...route,
    ...(route.match ? { match: route.match.map((m) => (m.gateways ? { ...m, gateways: m.gateways.map((g) => resolveGatewayName(g, ns)) } : m)) } : {}),
    ...(route.route ? { route: route.route.map((d) => ({ ...d, destination: dest(d.destination) })) } : {}),
    ...(route.mirror ? { mirror: dest(route.mirror) } : {}),
    ...(route.mirrors ? { mirrors: route.mirrors.map((m) => (m.destination ? { ...m, destination: dest(m.destination) } : m)) } : {}),
  };
}
