import { create } from '@bufbuild/protobuf';
import { routeV3 } from '@minipilot/envoy-api';
import type { HTTPRetry } from '@minipilot/config';
import { duration } from '../builders/common.js';
import { defaultRetryPolicy, previousHostsPredicate } from './default-route.js';
import type { ProblemSink } from './problem.js';

/** HTTP status codes Go's net/http knows (http.StatusText non-empty): the numbers istiod moves from retryOn to retriable_status_codes. */
const KNOWN_STATUS = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424,
  425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);

/**
 * The route retry policy for an Istio HTTPRetry, as istiod converts it: absent → the default policy
 * (without the previous-hosts predicate when the destination uses consistent hashing); `attempts`
 * 0 or absent → no policy; else the default with `num_retries`, `retry_on` (numeric codes moved to
 * `retriable_status_codes`, `retriable-status-codes` appended if missing), `per_try_timeout`,
 * `retryIgnorePreviousHosts` toggling the predicate and `backoff` as `retry_back_off.base_interval`.
 *
 * `retryRemoteLocalities` needs the `previous_priorities` retry extension, which minipilot's Envoy
 * API package does not carry yet; it is ignored and reported to `onProblem`.
 */
export function convertRetryPolicy(r: HTTPRetry | undefined, consistentHash: boolean, onProblem: ProblemSink = () => {}): routeV3.RetryPolicy | undefined {
  const out = defaultRetryPolicy(!consistentHash);
  if (!r) return out;
  if ((r.attempts ?? 0) <= 0) return undefined;
  out.numRetries = r.attempts!;
  if (r.retryOn) {
    const { on, codes } = parseRetryOn(r.retryOn);
    out.retryOn = on;
    out.retriableStatusCodes = codes;
    if (codes.length > 0 && !on.includes('retriable-status-codes')) out.retryOn = on ? `${on},retriable-status-codes` : 'retriable-status-codes';
  }
  if (r.perTryTimeout !== undefined) out.perTryTimeout = duration(r.perTryTimeout);
  if (r.retryIgnorePreviousHosts !== undefined) {
    out.retryHostPredicate = r.retryIgnorePreviousHosts ? [previousHostsPredicate()] : [];
  }
  if (r.retryRemoteLocalities) onProblem('retries.retryRemoteLocalities', 'needs the previous_priorities retry extension, not available yet; ignored');
  if (r.backoff !== undefined) out.retryBackOff = create(routeV3.RetryPolicy_RetryBackOffSchema, { baseInterval: duration(r.backoff) });
  return out;
}

function parseRetryOn(text: string): { on: string; codes: number[] } {
  const names: string[] = [];
  const codes: number[] = [];
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (!part) continue;
    const n = /^[+-]?\d+$/.test(part) ? Number(part) : NaN;
    if (KNOWN_STATUS.has(n)) codes.push(n);
    else names.push(part);
  }
  return { on: names.join(','), codes };
}
