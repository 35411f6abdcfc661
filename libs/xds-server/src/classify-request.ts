/**
 * What a request means for one type URL on one stream (the first step of Istio's ShouldRespond):
 * - `initial`: first request of the type on this stream (new stream or reconnect);
 * - `ack` / `nack`: answers the latest response (`error_detail` alone decides NACK);
 * - `stale`: carries a nonce other than the latest one sent;
 * - `update`: carries no nonce while one is not required (delta subscription change, or SotW
 *   before any response of the type was sent).
 */
export type RequestKind = 'initial' | 'ack' | 'nack' | 'stale' | 'update';

/** The per-type stream state that classification depends on. */
export interface ClassifyState {
  /** True once the stream has requested the type. */
  readonly known: boolean;
  /** The latest nonce sent for the type ('' if none). */
  readonly lastNonce: string;
}

/** The request fields that classification depends on. */
export interface ClassifyInput {
  readonly responseNonce: string;
  readonly hasError: boolean;
  readonly delta: boolean;
}

/**
 * Returns what a request means, so the stream can decide whether to respond.
 * NOTE: a NACK may report the new version (gRFC A46), so never compare versions to detect one.
 * See https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol#ack-and-nack-semantics-summary
 */
export function classifyRequest(state: ClassifyState, input: ClassifyInput): RequestKind {
  if (!state.known) return 'initial';
  if (input.responseNonce === '') return input.delta || state.lastNonce === '' ? 'update' : 'stale';
  if (input.responseNonce !== state.lastNonce) return 'stale';
  return input.hasError ? 'nack' : 'ack';
}
