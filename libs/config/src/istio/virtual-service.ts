import { z } from 'zod';
import { message, stringMap, int, duration } from '../schema-helpers.js';
import { StringMatch, Destination, Percent, Headers, PortSelector } from './common.js';

/** istio.networking.v1.HTTPMatchRequest. */
export const HTTPMatchRequest = message({
  name: z.string().optional(),
  uri: StringMatch.optional(),
  scheme: StringMatch.optional(),
  method: StringMatch.optional(),
  authority: StringMatch.optional(),
  headers: z.record(z.string(), StringMatch).optional(),
  port: int.optional(),
  sourceLabels: stringMap.optional(),
  gateways: z.array(z.string()).optional(),
  queryParams: z.record(z.string(), StringMatch).optional(),
  ignoreUriCase: z.boolean().optional(),
  withoutHeaders: z.record(z.string(), StringMatch).optional(),
  sourceNamespace: z.string().optional(),
  statPrefix: z.string().optional(),
});
export type HTTPMatchRequest = z.infer<typeof HTTPMatchRequest>;

/** istio.networking.v1.HTTPRouteDestination. */
export const HTTPRouteDestination = message({ destination: Destination, weight: int.optional(), headers: Headers.optional() });
export type HTTPRouteDestination = z.infer<typeof HTTPRouteDestination>;

/** istio.networking.v1.HTTPRedirect. */
export const HTTPRedirect = message({
  uri: z.string().optional(),
  authority: z.string().optional(),
  port: int.optional(),
  derivePort: z.enum(['FROM_PROTOCOL_DEFAULT', 'FROM_REQUEST_PORT']).optional(),
  scheme: z.string().optional(),
  redirectCode: int.optional(),
  prefixRewrite: z.string().optional(),
});
export type HTTPRedirect = z.infer<typeof HTTPRedirect>;

/** istio.networking.v1.HTTPDirectResponse. */
export const HTTPDirectResponse = message({
  status: int,
  body: message({ string: z.string().optional(), bytes: z.string().optional() }).optional(),
});
export type HTTPDirectResponse = z.infer<typeof HTTPDirectResponse>;

/** istio.networking.v1.HTTPRewrite. */
export const HTTPRewrite = message({
  uri: z.string().optional(),
  authority: z.string().optional(),
  uriRegexRewrite: message({ match: z.string().optional(), rewrite: z.string().optional() }).optional(),
});
export type HTTPRewrite = z.infer<typeof HTTPRewrite>;

/** istio.networking.v1.HTTPRetry. */
export const HTTPRetry = message({
  attempts: int.optional(),
  perTryTimeout: duration.optional(),
  retryOn: z.string().optional(),
  retryRemoteLocalities: z.boolean().optional(),
  retryIgnorePreviousHosts: z.boolean().optional(),
  backoff: duration.optional(),
});
export type HTTPRetry = z.infer<typeof HTTPRetry>;

/** istio.networking.v1.HTTPFaultInjection. */
export const HTTPFaultInjection = message({
  delay: message({
    fixedDelay: duration.optional(),
    exponentialDelay: duration.optional(),
    percentage: Percent.optional(),
    percent: int.optional(),
  }).optional(),
  abort: message({
    httpStatus: int.optional(),
    grpcStatus: z.string().optional(),
    http2Error: z.string().optional(),
    percentage: Percent.optional(),
  }).optional(),
});
export type HTTPFaultInjection = z.infer<typeof HTTPFaultInjection>;

/** istio.networking.v1.HTTPMirrorPolicy. */
export const HTTPMirrorPolicy = message({ destination: Destination.optional(), percentage: Percent.optional() });
export type HTTPMirrorPolicy = z.infer<typeof HTTPMirrorPolicy>;

/** istio.networking.v1.CorsPolicy. */
export const CorsPolicy = message({
  allowOrigins: z.array(StringMatch).optional(),
  allowOrigin: z.array(z.string()).optional(),
  allowMethods: z.array(z.string()).optional(),
  allowHeaders: z.array(z.string()).optional(),
  exposeHeaders: z.array(z.string()).optional(),
  maxAge: duration.optional(),
  allowCredentials: z.boolean().optional(),
  unmatchedPreflights: z.enum(['UNSPECIFIED', 'FORWARD', 'IGNORE']).optional(),
});
export type CorsPolicy = z.infer<typeof CorsPolicy>;

/** istio.networking.v1.HTTPRoute. */
export const HTTPRoute = message({
  name: z.string().optional(),
  match: z.array(HTTPMatchRequest).optional(),
  route: z.array(HTTPRouteDestination).optional(),
  redirect: HTTPRedirect.optional(),
  directResponse: HTTPDirectResponse.optional(),
  delegate: message({ name: z.string().optional(), namespace: z.string().optional() }).optional(),
  rewrite: HTTPRewrite.optional(),
  timeout: duration.optional(),
  retries: HTTPRetry.optional(),
  fault: HTTPFaultInjection.optional(),
  mirror: Destination.optional(),
  mirrorPercent: int.optional(),
  mirrorPercentage: Percent.optional(),
  mirrors: z.array(HTTPMirrorPolicy).optional(),
  corsPolicy: CorsPolicy.optional(),
  headers: Headers.optional(),
});
export type HTTPRoute = z.infer<typeof HTTPRoute>;

/** istio.networking.v1.RouteDestination (tcp and tls routes). */
export const RouteDestination = message({ destination: Destination, weight: int.optional() });
export type RouteDestination = z.infer<typeof RouteDestination>;

/** istio.networking.v1.L4MatchAttributes. */
export const L4MatchAttributes = message({
  destinationSubnets: z.array(z.string()).optional(),
  port: int.optional(),
  sourceLabels: stringMap.optional(),
  gateways: z.array(z.string()).optional(),
  sourceNamespace: z.string().optional(),
});
export type L4MatchAttributes = z.infer<typeof L4MatchAttributes>;

/** istio.networking.v1.TLSMatchAttributes. */
export const TLSMatchAttributes = message({
  sniHosts: z.array(z.string()).optional(),
  destinationSubnets: z.array(z.string()).optional(),
  port: int.optional(),
  sourceLabels: stringMap.optional(),
  gateways: z.array(z.string()).optional(),
  sourceNamespace: z.string().optional(),
});
export type TLSMatchAttributes = z.infer<typeof TLSMatchAttributes>;

/** istio.networking.v1.TCPRoute. */
export const TCPRoute = message({ match: z.array(L4MatchAttributes).optional(), route: z.array(RouteDestination).optional() });
export type TCPRoute = z.infer<typeof TCPRoute>;

/** istio.networking.v1.TLSRoute. */
export const TLSRoute = message({ match: z.array(TLSMatchAttributes).optional(), route: z.array(RouteDestination).optional() });
export type TLSRoute = z.infer<typeof TLSRoute>;

/** istio.networking.v1.VirtualService (the spec). */
export const VirtualService = message({
  hosts: z.array(z.string()).optional(),
  gateways: z.array(z.string()).optional(),
  http: z.array(HTTPRoute).optional(),
  tls: z.array(TLSRoute).optional(),
  tcp: z.array(TCPRoute).optional(),
  exportTo: z.array(z.string()).optional(),
});
export type VirtualService = z.infer<typeof VirtualService>;

export { PortSelector };
