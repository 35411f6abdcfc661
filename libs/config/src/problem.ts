import type { ConfigOrigin } from './meta.js';

/** Severity of a config problem: errors withhold the resource, warnings do not. */
export type Severity = 'error' | 'warning';

/** One problem found while reading or validating config, naming the resource and field. */
export interface ConfigProblem {
  readonly severity: Severity;
  readonly message: string;
  /** Where it was found: YAML syntax, the schema (types, unknown fields), or validation rules. */
  readonly stage?: 'syntax' | 'schema' | 'validation';
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  /** Dotted field path inside the object, e.g. `spec.http[0].route[0].destination.host`. */
  readonly field?: string;
  readonly origin?: ConfigOrigin;
  /**
   * The `istioctl analyze` message code when the finding is one of analyze's (`IST0101`
   * ReferencedResourceNotFound, `IST0130` VirtualServiceUnreachableRule...); see {@link ANALYZE_MESSAGES}.
   */
  readonly code?: string;
}

/** The level `istioctl analyze` gives a message. */
export type AnalyzeLevel = 'error' | 'warning' | 'info';

/**
 * The `istioctl analyze` messages minipilot reports, with analyze's name and level
 * (istio/istio pkg/config/analysis/msg/messages.yaml). The level can differ from the problem's
 * severity: a severity decides what the server withholds, the level is what analyze would print
 * (a route to a missing subset is served, so it is a warning, yet analyze calls it an Error).
 */
export const ANALYZE_MESSAGES: Readonly<Record<string, { readonly name: string; readonly level: AnalyzeLevel }>> = {
  IST0101: { name: 'ReferencedResourceNotFound', level: 'error' },
  IST0109: { name: 'ConflictingMeshGatewayVirtualServiceHosts', level: 'error' },
  IST0130: { name: 'VirtualServiceUnreachableRule', level: 'warning' },
  IST0131: { name: 'VirtualServiceIneffectiveMatch', level: 'info' },
  IST0132: { name: 'VirtualServiceHostNotFoundInGateway', level: 'warning' },
  IST0134: { name: 'ServiceEntryAddressesRequired', level: 'warning' },
  IST0145: { name: 'ConflictingGateways', level: 'error' },
};

/** The level `istioctl analyze` prints for `p`: its code's level, else its severity. */
export function analyzeLevel(p: ConfigProblem): AnalyzeLevel {
  return (p.code !== undefined ? ANALYZE_MESSAGES[p.code]?.level : undefined) ?? p.severity;
}

/**
 * Formats where an object was read as `file:LINE`, LINE being the 1-based line where the object
 * starts (for a `kind: List`, the line of the item); `file` alone when the line is unknown. This
 * is the one way minipilot names a place in a file (validate, server logs, /debug/configz).
 */
export function formatOrigin(o: ConfigOrigin | undefined): string {
  if (!o?.file) return '';
  if (o.line !== undefined) return `${o.file}:${o.line}`;
  return o.doc !== undefined ? `${o.file}#${o.doc + 1}` : o.file;
}

/** Formats a path like `['spec', 'http', 0, 'route']` as `spec.http[0].route`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

/**
 * Formats a problem the way `minipilot validate` and the server print it:
 * `Error [VirtualService default/reviews] file.yaml:12: spec.http[0].timeout: bad duration`, the
 * line being the object's ({@link formatOrigin}); an analyze finding carries its code:
 * `Warning [IST0101] [VirtualService default/b] b.yaml:1: spec.gateways[0]: Referenced gateway not found: "default/gw"`.
 */
export function formatProblem(p: ConfigProblem): string {
  return formatProblemAs(p, p.severity);
}

/** {@link formatProblem} with another label: `minipilot validate` prints analyze's level ({@link analyzeLevel}). */
export function formatProblemAs(p: ConfigProblem, level: AnalyzeLevel): string {
  const label = level === 'error' ? 'Error' : level === 'warning' ? 'Warning' : 'Info';
  const code = p.code ? ` [${p.code}]` : '';
  const who = p.kind ? ` [${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name ?? '?'}]` : '';
  const origin = formatOrigin(p.origin);
  const where = origin ? ` ${origin}` : '';
  const field = p.field ? `${p.field}: ` : '';
  return `${label}${code}${who}${where}: ${field}${p.message}`;
}
