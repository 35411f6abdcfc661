import { create } from '@bufbuild/protobuf';
import { routeV3, previousHostsV3 } from '@minipilot/envoy-api';
import { routeAction } from '../builders/route.js';
import { typed, duration } from '../builders/common.js';

/** The `envoy.retry_host_predicates.previous_hosts` predicate: retries prefer hosts not tried yet. */
export function previousHostsPredicate(): routeV3.RetryPolicy_RetryHostPredicate {
  return create(routeV3.RetryPolicy_RetryHostPredicateSchema, {
    name: 'envoy.retry_host_predicates.previous_hosts',
    configType: { case: 'typedConfig', value: typed(previousHostsV3.PreviousHostsPredicateSchema, {}) },
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

/** Options for {@link defaultRoute}. */
export interface DefaultRouteOptions {
  /** From a DestinationRule consistentHash on the service ({@link hashPolicyForService}); the retry policy then omits previous_hosts. */
  readonly hashPolicy?: routeV3.RouteAction_HashPolicy;
}

/**
 * The route istiod gives a service port no VirtualService routes: `default`, prefix `/`, to the
 * service's cluster, no timeout, the default retry policy, decorated `<host>:<port>/*`.
 */
export function defaultRoute(cluster: string, host: string, port: number, o: DefaultRouteOptions = {}): routeV3.Route {
  const action = routeAction(cluster);
  action.timeout = duration('0s');
  action.retryPolicy = defaultRetryPolicy(!o.hashPolicy);
  action.maxGrpcTimeout = duration('0s');
  if (o.hashPolicy) action.hashPolicy = [o.hashPolicy];
  return create(routeV3.RouteSchema, {
    name: 'default',
    match: { pathSpecifier: { case: 'prefix', value: '/' } },
    action: { case: 'route', value: action },
    decorator: { operation: `${host}:${port}/*` },
  });
}
