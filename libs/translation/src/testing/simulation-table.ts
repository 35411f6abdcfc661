import type { SimulationResult } from '../simulate/result.js';

/**
 * The service ports of istiod's sidecar_simulation_test.go tables (TestHeadlessServices,
 * TestExternalNameServices): HTTP 80, sniffed 81, TCP 82, TLS 83, HTTPS 84, as Kubernetes Service
 * port YAML (protocol from the name).
 */
export const ISTIO_SIMULATION_PORTS = `
  - name: http
    port: 80
  - name: auto
    port: 81
  - name: tcp
    port: 82
  - name: tls
    port: 83
  - name: https
    port: 84`;

/** The steps of a simulation result that istiod's simulation tables compare (listener, route configuration, virtual host, cluster, error). */
export type SimulationSteps = Pick<SimulationResult, 'listener' | 'routeConfig' | 'virtualHost' | 'cluster' | 'error'>;

/** Keeps only the {@link SimulationSteps} of a result, so a table row states exactly those. */
export function simulationSteps(r: SimulationResult): SimulationSteps {
  const out: SimulationSteps = {};
  for (const k of ['listener', 'routeConfig', 'virtualHost', 'cluster', 'error'] as const) if (r[k] !== undefined) (out as Record<string, unknown>)[k] = r[k];
  return out;
}
