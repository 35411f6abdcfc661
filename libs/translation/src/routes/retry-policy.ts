import { create } from '@bufbuild/protobuf';
import { routeV3, previousHostsV3, previousPrioritiesV3 } from '@minipilot/envoy-api';
import type { HTTPRetry } from '@minipilot/config';
import { duration, typed } from '../builders/common.js';

/** The `envoy.retry_host_predicates.previous_hosts` predicate: retries prefer hosts not tried yet. */
export function previousHostsPredicate(): routeV3.RetryPolicy_RetryHostPredicate {
  return create(routeV3.RetryPolicy_RetryHostPredicateSchema, {
    name: 'envoy.retry_host_predicates.previous_hosts',
    configType: { case: 'typedConfig', value: typed(previousHostsV3.PreviousHostsPredicateSchema, {}) },
  });
}

/**
 * The `envoy.retry_priorities.previous_priorities` retry priority istiod sets for
 * `retryRemoteLocalities` (update frequency 2): retries move to the next locality priority.
 */
export function previousPrioritiesRetryPriority(): routeV3.RetryPolicy_RetryPriority {
  return create(routeV3.RetryPolicy_RetryPrioritySchema, {
    name: 'envoy.retry_priorities.previous_priorities',
    configType: { case: 'typedConfig', value: typed(previousPrioritiesV3.PreviousPrioritiesConfigSchema, { updateFrequency: 2 }) },
  });
}

/**
 * istiod's default retry policy (route/retry/retry.go): 2 retries on connect failures, refused
 * streams, unavailable and cancelled, never to the same host twice (5 host selection attempts).
 * Without the previous-hosts predicate when the destination uses consistent hashing.
 */
export function defaultRetryPolicy(withPreviousHosts = true): routeV3.RetryPolicy {
  return create(routeV3.RetryPolicySchema, {
    retryOn: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes',
    numRetries: 2,
    hostSelectionRetryMaxAttempts: 5n,
    ...(withPreviousHosts ? { retryHostPredicate: [previousHostsPredicate()] } : {}),
  });
}

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
 * `retryIgnorePreviousHosts` toggling the predicate, `retryRemoteLocalities` adding the
 * `previous_priorities` retry priority and `backoff` as `retry_back_off.base_interval`.
 * Callers pass the mesh `defaultHttpRetryPolicy` when the route sets no `retries` (istiod's
 * route.go), so it replaces the default.
 */
export function convertRetryPolicy(r: HTTPRetry | undefined, consistentHash: boolean): routeV3.RetryPolicy | undefined {
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
  if (r.retryRemoteLocalities) out.retryPriority = previousPrioritiesRetryPriority();
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
