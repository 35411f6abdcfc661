/** Why the CA refused a request; the secure server maps each reason to a gRPC status. */
export type CaErrorReason =
  /** No or an invalid credential (gRPC UNAUTHENTICATED). */
  | 'Unauthenticated'
  /** The CSR names an identity the caller does not own (gRPC PERMISSION_DENIED). */
  | 'SanNotAllowed'
  /** The CSR cannot be parsed or its signature does not verify (gRPC INVALID_ARGUMENT). */
  | 'CsrInvalid'
  /** The requested validity exceeds the CA's maximum (gRPC INVALID_ARGUMENT). */
  | 'TtlTooLong'
  /** The CA could not sign (gRPC INTERNAL). */
  | 'SignFailed';

/** A refused certificate request, with its reason code and a message for the caller. */
export class CaError extends Error {
  constructor(readonly reason: CaErrorReason, message: string) {
    super(message);
    this.name = 'CaError';
  }
}
