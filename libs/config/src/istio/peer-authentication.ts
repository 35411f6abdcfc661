import { z } from 'zod';
import { message, stringMap } from '../schema-helpers.js';

/** istio.security.v1beta1.PeerAuthentication.MutualTLS.Mode. */
export const MutualTlsMode = z.enum(['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT']);
export type MutualTlsMode = z.infer<typeof MutualTlsMode>;

/** istio.security.v1beta1.PeerAuthentication.MutualTLS. */
export const PeerAuthenticationMutualTls = message({ mode: MutualTlsMode.optional() });
export type PeerAuthenticationMutualTls = z.infer<typeof PeerAuthenticationMutualTls>;

/**
 * istio.security.v1beta1.PeerAuthentication (the spec; security.istio.io v1 and v1beta1 share it).
 * `portLevelMtls` is a `map<uint32, MutualTLS>`, so its keys are port numbers written as strings
 * in JSON/YAML; validation checks them.
 */
export const PeerAuthentication = message({
  selector: message({ matchLabels: stringMap.optional() }).optional(),
  mtls: PeerAuthenticationMutualTls.optional(),
  portLevelMtls: z.record(z.string(), PeerAuthenticationMutualTls).optional(),
});
export type PeerAuthentication = z.infer<typeof PeerAuthentication>;
