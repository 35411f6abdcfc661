import type { ConfigProblem } from '../problem.js';

/** Collects the validation problems of one resource; every rule reports here instead of stopping. */
export interface Collector {
  /** Records an error: the resource is invalid and is not served. `code` is analyze's message code, when it has one. */
  error(field: string, message: string, code?: string): void;
  /** Records a warning: reported, but the resource is still served. */
  warn(field: string, message: string, code?: string): void;
}

/** The resource a problem belongs to. */
export type ProblemSubject = Pick<ConfigProblem, 'kind' | 'namespace' | 'name' | 'origin'>;

/** Creates a {@link Collector} that appends `stage: 'validation'` problems about `subject` to `problems`. */
export function createCollector(subject: ProblemSubject, problems: ConfigProblem[]): Collector {
  const push = (severity: 'error' | 'warning', field: string, message: string, code: string | undefined): void => {
    problems.push({ severity, stage: 'validation', message, ...subject, ...(field ? { field } : {}), ...(code ? { code } : {}) });
  };
  return { error: (f, m, code) => push('error', f, m, code), warn: (f, m, code) => push('warning', f, m, code) };
}

/** Returns the field path of `key` below `base`: `at('spec', 'http')` is `spec.http`, `at('spec.http', 0)` is `spec.http[0]`. */
export function at(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base ? `${base}.${key}` : key;
}

/** Returns the field path of a user map entry (header names, labels): `spec.x.headers["x-user"]`. */
export function atKey(base: string, key: string): string {
  return `${base}[${JSON.stringify(key)}]`;
}
