import { AuthenticationV1Api, type KubeConfig, type V1TokenReview } from '@kubernetes/client-node';
import { bearerToken, ISTIO_CA_AUDIENCE, type Authenticator, type Caller } from './authenticator.js';
import { CaError } from './ca-error.js';
import { formatSpiffe, identityFromServiceAccountUser } from './identity.js';

/** Options of {@link createTokenReviewAuthenticator}. */
export interface TokenReviewAuthenticatorOptions {
  readonly kubeConfig: KubeConfig;
  readonly trustDomain: string;
  /** Audiences the token must carry (istiod: `istio-ca`). */
  readonly audiences?: readonly string[];
}

/**
 * istiod's KubeJWTAuthenticator: sends the caller's bearer token to the API server in a TokenReview
 * (authentication.k8s.io/v1) with audience `istio-ca`, and accepts it only when the API server says
 * it is authenticated, for one of those audiences, as a ServiceAccount
 * (`system:serviceaccount:<ns>:<sa>`). The caller's identity is `spiffe://<td>/ns/<ns>/sa/<sa>`.
 */
export function createTokenReviewAuthenticator(o: TokenReviewAuthenticatorOptions): Authenticator {
  const api = o.kubeConfig.makeApiClient(AuthenticationV1Api);
  const audiences = [...(o.audiences ?? [ISTIO_CA_AUDIENCE])];
  return {
    name: 'KubeJWTAuthenticator',
    async authenticate(metadata): Promise<Caller> {
      const token = bearerToken(metadata);
      let review: V1TokenReview;
      try {
        review = await api.createTokenReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences } } });
      } catch (err) {
        throw new CaError('Unauthenticated', `failed to validate the JWT: the TokenReview request failed (${err instanceof Error ? err.message : String(err)})`);
      }
      return callerFromReview(review, audiences, o.trustDomain);
    },
  };
}

/** Checks a TokenReview's status as istiod does and returns the caller it names. Throws `Unauthenticated`. */
export function callerFromReview(review: V1TokenReview, audiences: readonly string[], trustDomain: string): Caller {
  const status = review.status;
  if (status?.error) throw new CaError('Unauthenticated', `failed to validate the JWT: ${status.error}`);
  if (!status?.authenticated) throw new CaError('Unauthenticated', 'failed to validate the JWT: the token is not authenticated');
  if (status.audiences && status.audiences.length > 0 && !status.audiences.some((a) => audiences.includes(a))) {
    throw new CaError('Unauthenticated', `failed to validate the JWT: the token is for audiences ${status.audiences.join(', ')}, not ${audiences.join(', ')}`);
  }
  const username = status.user?.username ?? '';
  const sa = identityFromServiceAccountUser(username, trustDomain);
  if (!sa) throw new CaError('Unauthenticated', `failed to validate the JWT: user ${JSON.stringify(username)} is not a service account (system:serviceaccount:<namespace>:<name>)`);
  return { identities: [formatSpiffe(sa)], serviceAccount: sa };
}
