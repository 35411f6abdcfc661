import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { bearerToken, type Authenticator, type Caller } from './authenticator.js';
import { CaError } from './ca-error.js';
import { formatSpiffe, identityFromServiceAccountUser, type SpiffeIdentity } from './identity.js';

/** Options of {@link createLabTokenAuthenticator}. */
export interface LabTokenAuthenticatorOptions {
  /** A file holding the one accepted token (surrounding whitespace ignored); read on every call. */
  readonly tokenFile: string;
  readonly trustDomain: string;
}

/**
 * The lab token mode for running without an API server (off unless a token file is configured):
 * a call is accepted when its bearer token equals the file's content. The identity is the
 * ServiceAccount in the token's `sub` claim when the token is a Kubernetes JWT
 * (`system:serviceaccount:<ns>:<sa>`, read without verifying the signature: the file is the trust),
 * else `default/default`. Never use it where the token file is not secret.
 */
export function createLabTokenAuthenticator(o: LabTokenAuthenticatorOptions): Authenticator {
  return {
    name: 'LabTokenFile',
    async authenticate(metadata): Promise<Caller> {
      const token = bearerToken(metadata);
      let expected: string;
      try {
        expected = (await fs.promises.readFile(o.tokenFile, 'utf8')).trim();
      } catch (err) {
        throw new CaError('Unauthenticated', `lab token file ${o.tokenFile} cannot be read (${err instanceof Error ? err.message : String(err)})`);
      }
      const a = Buffer.from(token);
      const b = Buffer.from(expected);
      if (expected === '' || a.length !== b.length || !crypto.timingSafeEqual(a, b)) {
        throw new CaError('Unauthenticated', `the bearer token does not match the lab token file ${o.tokenFile}`);
      }
      const sa = serviceAccountOfJwt(token, o.trustDomain) ?? { trustDomain: o.trustDomain, namespace: 'default', serviceAccount: 'default' };
      return { identities: [formatSpiffe(sa)], serviceAccount: sa };
    },
  };
}

/** The ServiceAccount named by a JWT's `sub` claim, if the token is a JWT with one. */
function serviceAccountOfJwt(token: string, trustDomain: string): SpiffeIdentity | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { sub?: unknown };
    return typeof claims.sub === 'string' ? identityFromServiceAccountUser(claims.sub, trustDomain) : undefined;
  } catch {
    return undefined;
  }
}
