import { loadYaml, type ConfigObject } from '@minipilot/config';
import { simulate } from '../translate.js';
import type { ProxyNodeInput } from '../proxy.js';
import type { SimulationRequest } from '../simulate/request.js';
import type { SimulationResult } from '../simulate/result.js';

/**
 * One row of a simulation table: a request through the full pipeline (translate → simulate) and
 * the steps istiod's config takes it through. Only the keys of `expect` are compared, plus `error`,
 * which must be absent unless `expect` names it.
 */
export interface SimulationRow {
  readonly name: string;
  /** Where istiod shows this behaviour (file and test or function), for the reader. */
  readonly source: string;
  readonly config: readonly string[];
  readonly proxy: ProxyNodeInput;
  readonly request: SimulationRequest;
  readonly expect: SimulationResult;
}

/** Parses YAML documents, failing on any parse error (a typo in a fixture fails loudly). */
export function configObjects(texts: readonly string[]): ConfigObject[] {
  return texts.flatMap((text) => {
    const r = loadYaml(text);
    const errors = r.problems.filter((p) => p.severity === 'error');
    if (errors.length > 0) throw new Error(`fixture YAML has errors: ${JSON.stringify(errors)}`);
    return [...r.objects];
  });
}

/** The result of a row's request, reduced to the keys the row expects (and `error`). */
export function simulateRow(row: SimulationRow): SimulationResult {
  const result = simulate(configObjects(row.config), row.proxy, row.request);
  const keys = new Set<keyof SimulationResult>([...(Object.keys(row.expect) as (keyof SimulationResult)[]), 'error']);
  const picked: Record<string, unknown> = {};
  for (const k of keys) if (result[k] !== undefined) picked[k] = result[k];
  return picked as SimulationResult;
}

/** The ingress gateway pod as istiod's gateway simulation tests build it (router, labels istio=ingressgateway, istio-system). */
export const INGRESS_GATEWAY: ProxyNodeInput = {
  id: 'router~10.244.0.5~istio-ingressgateway-0.istio-system~istio-system.svc.cluster.local',
  labels: { istio: 'ingressgateway' },
};

/** A sidecar in namespace `ns` (no labels). */
export function sidecarNode(ns = 'default'): ProxyNodeInput {
  return { id: `sidecar~10.244.0.10~client-0.${ns}~${ns}.svc.cluster.local` };
}

/** A Service `name` in `ns` with one port (`http` unless told), as a YAML document. */
export function serviceYaml(name: string, ns: string, port: number, portName = 'http', clusterIP = '10.96.0.1'): string {
  return `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec:
  clusterIP: ${clusterIP}
  ports: [{name: ${portName}, port: ${port}, targetPort: ${port}}]
`;
}


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
