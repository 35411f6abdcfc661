// The metadata rules Istio applies before any kind's rules (validation.go: validateMetadata, checkDryRunAnnotation).
import type { ObjectMeta } from '../meta.js';
import type { Collector } from './collector.js';

/** Annotations Istio's webhook always rejects: a test hook, and internal ones that would escalate privileges. */
const REJECTED: readonly [string, (name: string) => string][] = [
  ['internal.istio.io/webhook-always-reject', (a) => `${JSON.stringify(a)} annotation found, rejecting`],
  ['internal.istio.io/parent-namespace', (a) => `${JSON.stringify(a)} annotation found, this may not be set by users`],
  ['internal.istio.io/parents', (a) => `${JSON.stringify(a)} annotation found, this may not be set by users`],
];
/** Only AuthorizationPolicy may carry `istio.io/dry-run`. */
const DRY_RUN = 'istio.io/dry-run';

/**
 * Reports Istio's metadata rules for a networking object; returns false when one failed (Istio then
 * stops: the kind's own rules are not run and this one error is all it reports).
 */
export function checkMetadata(c: Collector, meta: ObjectMeta): boolean {
  const annotations = meta.annotations;
  if (Object.prototype.hasOwnProperty.call(annotations, DRY_RUN)) {
    c.error(`metadata.annotations[${JSON.stringify(DRY_RUN)}]`, `${meta.namespace}/${meta.name} has unsupported annotation ${DRY_RUN}, please remove the annotation`);
    return false;
  }
  for (const [name, message] of REJECTED) {
    if (Object.prototype.hasOwnProperty.call(annotations, name)) {
      c.error(`metadata.annotations[${JSON.stringify(name)}]`, message(name));
      return false;
    }
  }
  return true;
}
