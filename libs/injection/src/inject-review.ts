import { compare } from 'fast-json-patch';
import { admissionResponse, readAdmissionRequest, type AdmissionReviewResponse } from './admission-review.js';
import { injectPod, type InjectionContext } from './inject-pod.js';
import type { Pod } from './pod.js';

/** The outcome of one /inject call, for logs and metrics (sidecar_injection_*). */
export interface InjectReviewResult {
  readonly review: AdmissionReviewResponse;
  /** `injected`, `skipped` (with the reason) or `failed` (the pod is denied). */
  readonly outcome: 'injected' | 'skipped' | 'failed';
  readonly reason: string;
  readonly pod: string;
}

/**
 * istiod's /inject: an AdmissionReview of a Pod CREATE in, the review with a JSON Patch (RFC 6902,
 * from the pod as sent to the injected pod) out. A pod that needs no injection is allowed unchanged;
 * one with invalid annotations is denied with istiod's `injection failed` message. Throws an Error
 * for a body that is not an AdmissionReview of a Pod (the server answers 400).
 */
export function reviewInjection(body: unknown, ctx: InjectionContext): InjectReviewResult {
  const req = readAdmissionRequest(body);
  const pod = req.object as Pod | undefined;
  if (!pod || typeof pod !== 'object' || !pod.metadata || !pod.spec || !Array.isArray(pod.spec.containers)) throw new Error('request.object is not a Pod with metadata and spec.containers');
  const namespace = req.namespace || pod.metadata.namespace || 'default';
  const name = `${namespace}/${pod.metadata.name || pod.metadata.generateName || ''}`;
  const r = injectPod(pod, namespace, ctx);
  if (r.injected) return { review: admissionResponse(req.uid, { allowed: true, patch: compare(pod, r.pod) }), outcome: 'injected', reason: r.reason, pod: name };
  if ('errors' in r) return { review: admissionResponse(req.uid, { allowed: false, message: `injection failed: ${r.errors.join('; ')}` }), outcome: 'failed', reason: r.errors.join('; '), pod: name };
  return { review: admissionResponse(req.uid, { allowed: true }), outcome: 'skipped', reason: r.reason, pod: name };
}
