import { create } from '@bufbuild/protobuf';
import { routeV3 } from '@minipilot/envoy-api';
import { routeAction } from '../builders/route.js';
import { duration } from '../builders/common.js';
import type { HTTPRetry } from '@minipilot/config';
import { convertRetryPolicy } from './retry-policy.js';

/** Options for {@link defaultRoute}. */
export interface DefaultRouteOptions {
  /** From a DestinationRule consistentHash on the service ({@link hashPolicyForService}); the retry policy then omits previous_hosts. */
  readonly hashPolicy?: routeV3.RouteAction_HashPolicy;
  /** The mesh `defaultHttpRetryPolicy`, which replaces istiod's default policy (attempts 0: no retries). */
  readonly meshRetry?: HTTPRetry;
}

/**
 * The route istiod gives a service port no VirtualService routes: `default`, prefix `/`, to the
 * service's cluster, no timeout, the default retry policy (or the mesh `defaultHttpRetryPolicy`,
 * as istiod's BuildDefaultHTTPOutboundRoute), decorated `<host>:<port>/*`.
 */
export function defaultRoute(cluster: string, host: string, port: number, o: DefaultRouteOptions = {}): routeV3.Route {
  const action = routeAction(cluster);
  action.timeout = duration('0s');
  const retry = convertRetryPolicy(o.meshRetry, o.hashPolicy !== undefined);
  if (retry) action.retryPolicy = retry;
  action.maxGrpcTimeout = duration('0s');
  if (o.hashPolicy) action.hashPolicy = [o.hashPolicy];
  return create(routeV3.RouteSchema, {
    name: 'default',
    match: { pathSpecifier: { case: 'prefix', value: '/' } },
    action: { case: 'route', value: action },
    decorator: { operation: `${host}:${port}/*` },
  });
}
