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
 * step and `""` when it was reached but the resource has no name. A weighted destination gives
 * `clusters` (every candidate) instead of `cluster`. `error` is absent on success. Keys appear in
 * this order in JSON output.
 */
export interface SimulationResult {
  listener?: string;
  filterChain?: string;
  routeConfig?: string;
  virtualHost?: string;
  route?: string;
  cluster?: string;
  clusters?: WeightedClusterResult[];
  error?: SimulationError;
}
