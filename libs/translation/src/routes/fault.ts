import { create } from '@bufbuild/protobuf';
import { faultV3, commonFaultV3 } from '@minipilot/envoy-api';
import type { HTTPFaultInjection } from '@minipilot/config';
import { duration } from '../builders/common.js';
import { percentToFractional, integerToFractional } from './percent.js';

/** gRPC status names Istio accepts in `abort.grpcStatus`, with their codes. */
const GRPC_STATUS: Readonly<Record<string, number>> = {
  OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, DATA_LOSS: 15, UNAUTHENTICATED: 16,
};

/**
 * The HTTPFault istiod puts in a route's `typed_per_filter_config["envoy.filters.http.fault"]`:
 * a fixed delay with `percentage` (value×10000 per MILLION) or, without it, the deprecated integer
 * `percent` per HUNDRED (absent = 0); an abort with `http_status` or `grpc_status` and `percentage`
 * only when given. Exponential delays and `http2Error` aborts are dropped as istiod drops them;
 * undefined when nothing is left.
 */
export function translateFault(f: HTTPFaultInjection): faultV3.HTTPFault | undefined {
  const out = create(faultV3.HTTPFaultSchema, {});
  if (f.delay?.fixedDelay !== undefined) {
    out.delay = create(commonFaultV3.FaultDelaySchema, {
      faultDelaySecifier: { case: 'fixedDelay', value: duration(f.delay.fixedDelay) },
      percentage: f.delay.percentage ? percentToFractional(f.delay.percentage) : integerToFractional(f.delay.percent ?? 0),
    });
  }
  if (f.abort) {
    const abort = create(faultV3.FaultAbortSchema, f.abort.percentage ? { percentage: percentToFractional(f.abort.percentage) } : {});
    if (f.abort.httpStatus !== undefined) abort.errorType = { case: 'httpStatus', value: f.abort.httpStatus };
    else if (f.abort.grpcStatus !== undefined && GRPC_STATUS[f.abort.grpcStatus] !== undefined) abort.errorType = { case: 'grpcStatus', value: GRPC_STATUS[f.abort.grpcStatus]! };
    if (abort.errorType.case !== undefined) out.abort = abort;
  }
  return out.delay || out.abort ? out : undefined;
}
