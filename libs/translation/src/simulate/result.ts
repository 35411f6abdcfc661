/** The errors a simulated request can end with (the names of Istio's pilot/pkg/simulation errors, in words). */
export const SIMULATION_ERRORS = [
  'no listener', 'no filter chain', 'multiple filter chains', 'no virtual host', 'no route', 'tls required',
  'protocol error', 'invalid tls', 'invalid mtls',
] as const;

/** One of {@link SIMULATION_ERRORS}. */
export type SimulationError = (typeof SIMULATION_ERRORS)[number];

/** One candidate of a weighted route or weighted tcp_proxy. */
export interface WeightedClusterResult {
  readonly name: string;
  readonly weight: number;
}

/**
 * Where a simulated request went, step by step. A key is absent when matching never reached that
 * step or the resource there has no name (never `""`). A weighted destination gives `clusters`
 * (every candidate) instead of `cluster`. `error` is absent on success. Keys appear in this order in
 * JSON output.
 */
export interface SimulationResult {
  listener?: string;
  filterChain?: string;
  routeConfig?: string;
  virtualHost?: string;
  /** The matched route's name (istiod names a route after its VirtualService HTTPRoute `name`). */
  route?: string;
  /** The matched route's match, as istioctl prints it, with header conditions (`/* end-user=jason`). */
  match?: string;
  /** `namespace/name` of the VirtualService the matched route or TCP/TLS chain came from (its `istio.config` metadata). */
  virtualService?: string;
  cluster?: string;
  clusters?: WeightedClusterResult[];
  error?: SimulationError;
}
