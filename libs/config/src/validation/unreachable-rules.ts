// Istio's warnings for VirtualService rules that can never match (validation.go: analyzeUnreachableHTTPRules,
// analyzeUnreachableTCPRules, analyzeUnreachableTLSRules, genMatchHTTPRoutes, coveredValidation).
import type { HTTPMatchRequest } from '../istio/virtual-service.js';
import type { StringMatch } from '../istio/common.js';
import { at, type Collector } from './collector.js';

/** A rule as the analysis sees it: an optional name (HTTP only) and its match entries. */
interface Rule {
  readonly name?: string | undefined;
  readonly match?: readonly object[] | undefined;
}

/**
 * Returns a canonical text of a match without its `name`, for equality as Istio compares matches
 * (Go's json.Marshal of the proto: zero values omitted, map keys sorted).
 */
function canonical(v: unknown, dropName = false): string | undefined {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return undefined;
  if (Array.isArray(v)) return v.length === 0 ? undefined : `[${v.map((x) => canonical(x) ?? 'null').join(',')}]`;
  if (typeof v !== 'object') return JSON.stringify(v);
  const parts: string[] = [];
  for (const k of Object.keys(v).sort()) {
    if (dropName && k === 'name') continue;
    const c = canonical((v as Record<string, unknown>)[k]);
    if (c !== undefined) parts.push(`${JSON.stringify(k)}:${c}`);
  }
  return `{${parts.join(',')}}`;
}

/** Istio's routeName: `"name"` for a named HTTP route, else `#N`. */
function ruleName(r: Rule, n: number): string {
  return r.name ? JSON.stringify(r.name) : `#${n}`;
}

/** Istio's requestName: `"name"` for a named HTTP match, else `#N`. */
function matchName(m: object, n: number): string {
  const name = (m as { name?: unknown }).name;
  return typeof name === 'string' && name !== '' ? JSON.stringify(name) : `#${n}`;
}

/** One prefix match in the form Istio compares for overlaps. */
interface PrefixMatch {
  readonly rule: string;
  readonly match: string;
  readonly prefix: string;
  readonly port: number;
  readonly method: string;
  readonly authority: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly queryParams: ReadonlyMap<string, string>;
  readonly withoutHeaders: ReadonlyMap<string, string>;
}

function exactOrPrefix(sm: StringMatch | undefined): string {
  if (sm?.exact) return `exact:${sm.exact}`;
  if (sm?.prefix) return `prefix:${sm.prefix}`;
  return '';
}

function valueMap(m: Record<string, StringMatch> | undefined): Map<string, string> {
  return new Map(Object.entries(m ?? {}).map(([k, v]) => [k, exactOrPrefix(v)]));
}

function prefixMatch(rule: string, m: HTTPMatchRequest, n: number): PrefixMatch | undefined {
  const prefix = m.uri?.prefix;
  if (!prefix) return undefined;
  return {
    rule,
    match: matchName(m, n),
    prefix,
    port: m.port ?? 0,
    method: exactOrPrefix(m.method) || 'exact:GET',
    authority: exactOrPrefix(m.authority),
    headers: valueMap(m.headers),
    queryParams: valueMap(m.queryParams),
    withoutHeaders: valueMap(m.withoutHeaders),
  };
}

function mapCovered(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, va] of a) {
    const vb = b.get(k);
    if (vb === undefined || (va !== vb && !va.startsWith(vb))) return false;
  }
  return true;
}

/** Istio's coveredValidation: whether the earlier match `a` takes every request the later match `b` would. */
function covered(a: PrefixMatch, b: PrefixMatch): boolean {
  if (!b.prefix.startsWith(a.prefix) || a.port !== b.port) return false;
  if (a.method !== b.method && !a.method.startsWith(b.method)) return false;
  if (a.authority !== b.authority && !a.authority.startsWith(b.authority)) return false;
  return mapCovered(a.headers, b.headers) && mapCovered(a.queryParams, b.queryParams) && mapCovered(a.withoutHeaders, b.withoutHeaders);
}

/**
 * Reports Istio's warnings for the rules of one route list (`spec.http`, `spec.tcp` or `spec.tls`):
 * a rule after one without matches, a rule whose matches all repeat earlier ones
 * (`virtualService rule R not used (REASON)`, analyze's IST0130), and a match that repeats or, for
 * HTTP URI prefixes, is covered by an earlier one (`... match M is not used (duplicate/overlapping
 * match in rule D)`, IST0131). Matches are compared as Istio does, without their names.
 */
export function warnUnreachableRules(c: Collector, field: string, rules: readonly Rule[], http: boolean): void {
  const unused = (i: number, rule: string, reason: string): void => c.warn(at(field, i), `virtualService rule ${rule} not used (${reason})`, 'IST0130');
  const ineffective = (i: number, rule: string, match: string, dup: string): void => {
    c.warn(at(field, i), `virtualService rule ${rule} match ${match} is not used (duplicate/overlapping match in rule ${dup})`, 'IST0131');
  };
  const seen = new Map<string, number>();
  const prefixes: { index: number; m: PrefixMatch }[] = [];
  let catchAll = -1;
  rules.forEach((r, i) => {
    const name = ruleName(r, i);
    const matches = r.match ?? [];
    if (matches.length === 0) {
      if (catchAll >= 0) unused(i, name, 'only the last rule can have no matches');
      catchAll = i;
      return;
    }
    let duplicates = 0;
    matches.forEach((m, j) => {
      if (catchAll >= 0) return unused(i, name, 'route without matches defined before');
      const key = canonical(m, true) ?? '{}';
      const dup = seen.get(key);
      if (dup !== undefined) {
        ineffective(i, name, matchName(m, j), ruleName(rules[dup]!, dup));
        duplicates++;
        return;
      }
      seen.set(key, i);
      const pm = http ? prefixMatch(name, m as HTTPMatchRequest, j) : undefined;
      if (pm) prefixes.push({ index: i, m: pm });
    });
    if (duplicates === matches.length) unused(i, name, 'all matches used by prior rules');
  });
  for (let a = 0; a < prefixes.length; a++) {
    for (let b = a + 1; b < prefixes.length; b++) {
      const ea = prefixes[a]!.m;
      const eb = prefixes[b]!;
      if (eb.m.prefix === ea.prefix || !covered(ea, eb.m)) continue;
      ineffective(eb.index, eb.m.rule, `${eb.m.match} of prefix ${eb.m.prefix}`, `${ea.match} of prefix ${ea.prefix} on ${ea.rule}`);
    }
  }
}
