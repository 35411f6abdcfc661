import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import type { Authenticator } from './authenticator.js';
import type { CaBundle } from './ca-bundle.js';
import { CaError, type CaErrorReason } from './ca-error.js';
import {
  IstioCertificateRequestSchema,
  IstioCertificateResponseSchema,
  type IstioCertificateRequest,
  type IstioCertificateResponse,
} from './gen/ca_pb.js';
import { signCsr, type TtlPolicy } from './sign-csr.js';
import type { Logger } from './logger.js';

/** The fully-qualified name of Istio's certificate service. */
export const CA_SERVICE_NAME = 'istio.v1.auth.IstioCertificateService';

const toBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The hand-written grpc-js definition of `IstioCertificateService` (protobuf-es messages, no grpc codegen). */
export const caServiceDefinition = {
  CreateCertificate: {
    path: `/${CA_SERVICE_NAME}/CreateCertificate`,
    originalName: 'CreateCertificate',
    requestStream: false,
    responseStream: false,
    requestSerialize: (m: IstioCertificateRequest) => toBuffer(toBinary(IstioCertificateRequestSchema, m)),
    requestDeserialize: (b: Buffer) => fromBinary(IstioCertificateRequestSchema, b),
    responseSerialize: (m: IstioCertificateResponse) => toBuffer(toBinary(IstioCertificateResponseSchema, m)),
    responseDeserialize: (b: Buffer) => fromBinary(IstioCertificateResponseSchema, b),
  },
} as const satisfies grpc.ServiceDefinition;

/** The gRPC status of each refusal reason. */
export const CA_ERROR_STATUS: Readonly<Record<CaErrorReason, grpc.status>> = {
  Unauthenticated: grpc.status.UNAUTHENTICATED,
  SanNotAllowed: grpc.status.PERMISSION_DENIED,
  CsrInvalid: grpc.status.INVALID_ARGUMENT,
  TtlTooLong: grpc.status.INVALID_ARGUMENT,
  SignFailed: grpc.status.INTERNAL,
};

/** Options of {@link createCaService}. */
export interface CaServiceOptions {
  /** The current CA (a function, so a reloaded root is picked up). */
  readonly bundle: () => CaBundle;
  readonly authenticator: Authenticator;
  readonly ttl: TtlPolicy;
  readonly logger: Logger;
  /** Observes every request (metrics, tests): the outcome is `ok` or the refusal reason. */
  readonly onRequest?: (outcome: 'ok' | CaErrorReason) => void;
}

/** A gRPC service ready for grpc.Server.addService. */
export interface GrpcService {
  readonly service: grpc.ServiceDefinition;
  readonly implementation: grpc.UntypedServiceImplementation;
}

/**
 * Istio's `CreateCertificate`: authenticates the caller from its token, signs the CSR for the
 * caller's own identity and answers with the chain (leaf first, root last). Authentication
 * failures answer UNAUTHENTICATED `request authenticate failure` as istiod does (the reason is logged,
 * not sent); other refusals carry their reason.
 */
export function createCaService(o: CaServiceOptions): GrpcService {
  const log = o.logger;
  const implementation: grpc.UntypedServiceImplementation = {
    CreateCertificate: (call: grpc.ServerUnaryCall<IstioCertificateRequest, IstioCertificateResponse>, callback: grpc.sendUnaryData<IstioCertificateResponse>) => {
      const peer = call.getPeer();
      const refuse = (err: CaError): void => {
        o.onRequest?.(err.reason);
        const details = err.reason === 'Unauthenticated' ? 'request authenticate failure' : err.message;
        log.warn({ scope: 'serverca', peer, reason: err.reason }, `certificate request refused: ${err.message}`);
        callback({ code: CA_ERROR_STATUS[err.reason], details });
      };
      void (async () => {
        try {
          const caller = await o.authenticator.authenticate(call.metadata);
          const chain = await signCsr(o.bundle(), { csrPem: call.request.csr, identities: caller.identities, requestedTtlSeconds: Number(call.request.validityDuration) }, o.ttl);
          o.onRequest?.('ok');
          log.info({ scope: 'serverca', peer, identities: caller.identities }, 'CSR signed');
          callback(null, create(IstioCertificateResponseSchema, { certChain: chain }));
        } catch (err) {
          if (err instanceof CaError) refuse(err);
          else refuse(new CaError('SignFailed', `CSR signing error (${err instanceof Error ? err.message : String(err)})`));
        }
      })();
    },
  };
  return { service: caServiceDefinition, implementation };
}
