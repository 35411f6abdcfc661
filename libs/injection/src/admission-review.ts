/** The parts of an admission.k8s.io/v1 AdmissionReview request a webhook reads. */
export interface AdmissionRequest {
  readonly uid: string;
  readonly kind?: { group: string; version: string; kind: string };
  readonly namespace?: string;
  readonly name?: string;
  readonly operation?: string;
  readonly object?: unknown;
  readonly oldObject?: unknown;
  readonly dryRun?: boolean;
}

/** An AdmissionReview response (admission.k8s.io/v1). */
export interface AdmissionReviewResponse {
  readonly apiVersion: 'admission.k8s.io/v1';
  readonly kind: 'AdmissionReview';
  readonly response: {
    readonly uid: string;
    readonly allowed: boolean;
    readonly status?: { readonly code?: number; readonly message: string; readonly reason?: string };
    readonly warnings?: readonly string[];
    readonly patchType?: 'JSONPatch';
    /** Base64 of the JSON Patch. */
    readonly patch?: string;
  };
}

/**
 * Reads an AdmissionReview body: its request, or an Error saying what is missing (the webhook answers
 * 400 with it, as istiod's serveInject does for a malformed review).
 */
export function readAdmissionRequest(body: unknown): AdmissionRequest {
  const review = body as { apiVersion?: unknown; kind?: unknown; request?: unknown } | null;
  if (review === null || typeof review !== 'object') throw new Error('the body is not an AdmissionReview object');
  if (review.kind !== 'AdmissionReview') throw new Error(`kind is ${JSON.stringify(review.kind)}, expected AdmissionReview`);
  if (review.apiVersion !== 'admission.k8s.io/v1' && review.apiVersion !== 'admission.k8s.io/v1beta1') throw new Error(`apiVersion ${JSON.stringify(review.apiVersion)} is not admission.k8s.io/v1`);
  const req = review.request as AdmissionRequest | undefined;
  if (!req || typeof req.uid !== 'string') throw new Error('request.uid is missing');
  return req;
}

/** Builds the response for `uid`. */
export function admissionResponse(uid: string, r: { allowed: boolean; message?: string; code?: number; warnings?: readonly string[]; patch?: unknown }): AdmissionReviewResponse {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: {
      uid,
      allowed: r.allowed,
      ...(r.message !== undefined ? { status: { message: r.message, ...(r.code !== undefined ? { code: r.code } : {}) } } : {}),
      ...(r.warnings && r.warnings.length > 0 ? { warnings: r.warnings } : {}),
      ...(r.patch !== undefined ? { patchType: 'JSONPatch' as const, patch: Buffer.from(JSON.stringify(r.patch)).toString('base64') } : {}),
    },
  };
}
