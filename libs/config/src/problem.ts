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
 * Formats a problem the way `minipilot validate` prints it:
 * `Error [VirtualService default/reviews] file.yaml:2: spec.http[0].timeout: bad duration`.
 * The document number is 1-based.
 */
export function formatProblem(p: ConfigProblem): string {
  const label = p.severity === 'error' ? 'Error' : 'Warning';
  const who = p.kind ? ` [${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name ?? '?'}]` : '';
  const where = p.origin?.file ? ` ${p.origin.file}${p.origin.doc !== undefined ? `:${p.origin.doc + 1}` : ''}` : '';
  const field = p.field ? `${p.field}: ` : '';
  return `${label}${who}${where}: ${field}${p.message}`;
}
