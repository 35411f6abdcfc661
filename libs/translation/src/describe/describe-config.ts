import type { coreV3, matcherV3, routeV3 } from '@minipilot/envoy-api';

/** The Istio config object a generated resource came from, read back from its metadata. */
export interface ConfigRef {
  /** The kebab-case kind of the path, e.g. `virtual-service`, `destination-rule`. */
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

const CONFIG_PATH = /^\/apis\/[^/]+\/[^/]+\/namespaces\/([^/]+)\/([^/]+)\/([^/]+)$/;

/**
 * The config object named by `metadata.filter_metadata.istio.config`
 * (`/apis/networking.istio.io/v1/namespaces/default/virtual-service/reviews`), which istiod puts on
 * routes, TCP/TLS filter chains and DestinationRule clusters; undefined when absent or malformed.
 */
export function configRefOf(metadata: coreV3.Metadata | undefined): ConfigRef | undefined {
  const config = metadata?.filterMetadata['istio']?.['config'];
  if (typeof config !== 'string') return undefined;
  const m = CONFIG_PATH.exec(config);
  return m ? { namespace: m[1]!, kind: m[2]!, name: m[3]! } : undefined;
}

/**
 * A route's match in istioctl's words (its `proxy-config routes` MATCH column): `/prefix*`, `/exact`,
 * `regex <re>`, `/prefix/` for a path-separated prefix; with `headers`, the header and query
 * conditions follow (`/* end-user=jason`), which tells apart routes istioctl would print alike.
 */
export function describeRouteMatch(match: routeV3.RouteMatch | undefined, options: { headers?: boolean } = {}): string {
  if (!match) return '';
  const p = match.pathSpecifier;
  const conds: string[] = [];
  if (p.case === 'prefix') conds.push(`${p.value}*`);
  else if (p.case === 'path') conds.push(p.value);
  else if (p.case === 'safeRegex') conds.push(`regex ${p.value.regex}`);
  else if (p.case === 'pathSeparatedPrefix') conds.push(`${p.value}/`);
  else if (p.case === 'connectMatcher') conds.push('CONNECT');
  if (options.headers) {
    for (const h of match.headers) conds.push(`${h.invertMatch ? '!' : ''}${h.name}${headerCondition(h.headerMatchSpecifier)}`);
    for (const q of match.queryParameters) conds.push(`?${q.name}${q.queryParameterMatchSpecifier.case === 'stringMatch' ? `=${stringMatcherText(q.queryParameterMatchSpecifier.value)}` : ''}`);
  }
  return conds.join(' ');
}

function headerCondition(s: routeV3.HeaderMatcher['headerMatchSpecifier']): string {
  switch (s.case) {
    case 'exactMatch': return `=${s.value}`;
    case 'prefixMatch': return `=${s.value}*`;
    case 'suffixMatch': return `=*${s.value}`;
    case 'containsMatch': return `=*${s.value}*`;
    case 'safeRegexMatch': return `~${s.value.regex}`;
    case 'presentMatch': return s.value ? '' : ' absent';
    case 'stringMatch': return `=${stringMatcherText(s.value)}`;
    default: return '';
  }
}

function stringMatcherText(m: matcherV3.StringMatcher): string {
  const p = m.matchPattern;
  switch (p.case) {
    case 'exact': return p.value;
    case 'prefix': return `${p.value}*`;
    case 'suffix': return `*${p.value}`;
    case 'contains': return `*${p.value}*`;
    case 'safeRegex': return `~${p.value.regex}`;
    default: return '';
  }
}
