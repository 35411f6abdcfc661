/** A workload identity: `spiffe://<trust domain>/ns/<namespace>/sa/<service account>`. */
export interface SpiffeIdentity {
  readonly trustDomain: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

const SPIFFE_RE = /^spiffe:\/\/([^/]+)\/ns\/([^/]+)\/sa\/([^/]+)$/;

/** Formats an identity as istiod puts it in a certificate's URI SAN. */
export function formatSpiffe(id: SpiffeIdentity): string {
  return `spiffe://${id.trustDomain}/ns/${id.namespace}/sa/${id.serviceAccount}`;
}

/** Parses `spiffe://td/ns/<ns>/sa/<sa>`; undefined for anything else. */
export function parseSpiffe(uri: string): SpiffeIdentity | undefined {
  const m = SPIFFE_RE.exec(uri);
  return m ? { trustDomain: m[1]!, namespace: m[2]!, serviceAccount: m[3]! } : undefined;
}

/**
 * The identity of a Kubernetes username `system:serviceaccount:<ns>:<sa>` (what a TokenReview
 * returns for a ServiceAccount token); undefined for any other user.
 */
export function identityFromServiceAccountUser(username: string, trustDomain: string): SpiffeIdentity | undefined {
  const parts = username.split(':');
  if (parts.length !== 4 || parts[0] !== 'system' || parts[1] !== 'serviceaccount' || !parts[2] || !parts[3]) return undefined;
  return { trustDomain, namespace: parts[2], serviceAccount: parts[3] };
}
