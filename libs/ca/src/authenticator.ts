import type * as grpc from '@grpc/grpc-js';
import { CaError } from './ca-error.js';
import type { SpiffeIdentity } from './identity.js';

/** An authenticated caller of 15012: its workload identities (`spiffe://…`). */
export interface Caller {
  readonly identities: readonly string[];
  /** The ServiceAccount the credential belongs to. */
  readonly serviceAccount: SpiffeIdentity;
}

/** Authenticates a gRPC call from its metadata (istiod's security.Authenticator). */
export interface Authenticator {
  /** `KubeJWTAuthenticator`, `LabTokenFile`: shown in logs. */
  readonly name: string;
  /** Resolves with the caller, or rejects with a {@link CaError} `Unauthenticated` saying why. */
  authenticate(metadata: grpc.Metadata): Promise<Caller>;
}

/** The audience istio-agent's projected token is issued for. */
export const ISTIO_CA_AUDIENCE = 'istio-ca';

/**
 * The bearer token of a call: metadata `authorization: Bearer <token>`, as istio-agent, ztunnel and
 * istioctl send it. Throws `Unauthenticated` when there is none.
 */
export function bearerToken(metadata: grpc.Metadata): string {
  const values = metadata.get('authorization');
  const header = values.length > 0 ? String(values[0]) : '';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw new CaError('Unauthenticated', header === '' ? 'no bearer token in the authorization metadata' : 'the authorization metadata is not of the form "Bearer <token>"');
  return m[1]!;
}
