import { parseConfigObject, validateConfigObject, type ConfigProblem } from '@minipilot/config';
import { admissionResponse, readAdmissionRequest, type AdmissionReviewResponse } from '@minipilot/injection';

/** The outcome of one /validate call, for logs and metrics (galley_validation_*). */
export interface ValidationReviewResult {
  readonly review: AdmissionReviewResponse;
  readonly outcome: 'passed' | 'failed' | 'skipped';
  readonly object: string;
}

/** istiod's format of several errors (hashicorp/go-multierror). */
function joinErrors(messages: readonly string[]): string {
  if (messages.length === 1) return messages[0]!;
  return `${messages.length} errors occurred:\n${messages.map((m) => `\t* ${m}`).join('\n')}\n\n`;
}

const text = (p: ConfigProblem): string => p.message;

/**
 * istiod's /validate: an AdmissionReview of an Istio config object in, allowed or denied out, with
 * libs/config's schema and validation rules (Istio's messages). Errors deny with
 * `configuration is invalid: <message>`; warnings allow with `warnings`. Kinds minipilot does not
 * model (e.g. AuthorizationPolicy) and DELETEs are allowed unchecked. Throws an Error for a body that
 * is not an AdmissionReview.
 */
export function reviewValidation(body: unknown): ValidationReviewResult {
  const req = readAdmissionRequest(body);
  const obj = req.object as { kind?: string; metadata?: { name?: string; namespace?: string } } | undefined;
  const id = `${obj?.kind ?? req.kind?.kind ?? '?'} ${req.namespace ? `${req.namespace}/` : ''}${obj?.metadata?.name ?? req.name ?? '?'}`;
  if (req.operation === 'DELETE' || !obj) return { review: admissionResponse(req.uid, { allowed: true }), outcome: 'skipped', object: id };
  const withNs = { ...obj, metadata: { ...obj.metadata, namespace: obj.metadata?.namespace ?? req.namespace } };
  const parsed = parseConfigObject(withNs);
  if (parsed.ignored) return { review: admissionResponse(req.uid, { allowed: true }), outcome: 'skipped', object: id };
  const problems = [...parsed.problems, ...(parsed.object ? validateConfigObject(parsed.object) : [])];
  const errors = problems.filter((p) => p.severity === 'error').map(text);
  const warnings = problems.filter((p) => p.severity === 'warning').map(text);
  if (errors.length > 0) {
    return { review: admissionResponse(req.uid, { allowed: false, code: 400, message: `configuration is invalid: ${joinErrors(errors)}`, warnings }), outcome: 'failed', object: id };
  }
  return { review: admissionResponse(req.uid, { allowed: true, warnings }), outcome: 'passed', object: id };
}
