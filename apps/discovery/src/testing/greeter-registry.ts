/** One greeter backend as the registry sees it: a Pod on 127.0.0.1 and its EndpointSlice. */
export interface GreeterBackendEntry {
  readonly name: string;
  readonly port: number;
  /** Pod labels besides `app: greeter`. */
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * The registry YAML of the `greeter` Service (port 50051 `grpc`, selector `app: greeter`) with one
 * Pod (`greeter-NAME`, IP 127.0.0.1) and one EndpointSlice per backend, for the e2e specs.
 */
export function greeterRegistry(backends: readonly GreeterBackendEntry[]): string {
  const entries = backends.map((b) => `---
apiVersion: v1
kind: Pod
metadata: {name: greeter-${b.name}, labels: ${JSON.stringify({ app: 'greeter', ...b.labels })}}
status: {phase: Running, podIP: 127.0.0.1}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: greeter-${b.name}, labels: {kubernetes.io/service-name: greeter}}
addressType: IPv4
ports: [{name: grpc, port: ${b.port}}]
endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}, targetRef: {kind: Pod, name: greeter-${b.name}}}]
`);
  return `apiVersion: v1
kind: Service
metadata: {name: greeter}
spec:
  clusterIP: 10.96.0.50
  ports: [{name: grpc, port: 50051}]
  selector: {app: greeter}
${entries.join('')}`;
}
