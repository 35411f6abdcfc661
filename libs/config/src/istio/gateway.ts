import { z } from 'zod';
import { message, stringMap } from '../schema-helpers.js';
import { Port } from './common.js';

/** istio.networking.v1.ServerTLSSettings. */
export const ServerTLSSettings = message({
  httpsRedirect: z.boolean().optional(),
  mode: z.enum(['PASSTHROUGH', 'SIMPLE', 'MUTUAL', 'AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL']).optional(),
  serverCertificate: z.string().optional(),
  privateKey: z.string().optional(),
  caCertificates: z.string().optional(),
  caCrl: z.string().optional(),
  credentialName: z.string().optional(),
  credentialNames: z.array(z.string()).optional(),
  tlsCertificates: z.array(message({
    serverCertificate: z.string().optional(),
    privateKey: z.string().optional(),
    caCertificates: z.string().optional(),
  })).optional(),
  subjectAltNames: z.array(z.string()).optional(),
  verifyCertificateSpki: z.array(z.string()).optional(),
  verifyCertificateHash: z.array(z.string()).optional(),
  minProtocolVersion: z.enum(['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3']).optional(),
  maxProtocolVersion: z.enum(['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3']).optional(),
  cipherSuites: z.array(z.string()).optional(),
});
export type ServerTLSSettings = z.infer<typeof ServerTLSSettings>;

/** istio.networking.v1.Server. */
export const Server = message({
  port: Port.optional(),
  bind: z.string().optional(),
  hosts: z.array(z.string()).optional(),
  tls: ServerTLSSettings.optional(),
  defaultEndpoint: z.string().optional(),
  name: z.string().optional(),
});
export type Server = z.infer<typeof Server>;

/** istio.networking.v1.Gateway (the spec). */
export const Gateway = message({ servers: z.array(Server).optional(), selector: stringMap.optional() });
export type Gateway = z.infer<typeof Gateway>;
