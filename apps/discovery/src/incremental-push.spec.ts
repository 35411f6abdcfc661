import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TypeUrl } from '@minipilot/envoy-api';
import { createFileSource } from '@minipilot/config-sources';
import { createAdsClient, type AdsClient, type XdsEvent } from '@minipilot/xds-server';
import { startDiscoveryServer, type DiscoveryServer } from './discovery-server.js';
import { createLogger } from './logger.js';

// Cost follows change, over real gRPC: two delta clients in namespaces a and b; a VirtualService
// exported to `a` only is edited, then an endpoint is added. Nothing reaches b for the first, and
// only load assignments reach either for the second.

const namespace = (ns: string, n: number, pods: number): string => [
  `apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${ns}}
spec: {clusterIP: 10.0.${n}.1, selector: {app: web}, ports: [{name: http, port: 80, targetPort: 8080}]}`,
  `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-1, namespace: ${ns}, labels: {kubernetes.io/service-name: web}}
addressType: IPv4
ports: [{name: http, port: 8080}]
endpoints:
${Array.from({ length: pods }, (_, i) => `  - {addresses: [10.1.${n}.${i + 1}], conditions: {ready: true}}`).join('\n')}`,
  `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: web, namespace: ${ns}}
spec: {host: web, exportTo: ['.'], subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]}`,
].join('\n---\n');

const virtualService = (weight: number): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: a}
spec:
  hosts: [web]
  exportTo: ['.']
  http: [{route: [{destination: {host: web, subset: v1}, weight: ${weight}}, {destination: {host: web, subset: v2}, weight: ${100 - weight}}]}]
`;

describe('incremental pushes through the real server', () => {
  let dir: string;
  let server: DiscoveryServer;
  const events: XdsEvent[] = [];
  const clients: AdsClient[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minipilot-incremental-'));
    fs.writeFileSync(path.join(dir, 'a.yaml'), namespace('a', 1, 2));
    fs.writeFileSync(path.join(dir, 'b.yaml'), namespace('b', 2, 2));
    fs.writeFileSync(path.join(dir, 'vs.yaml'), virtualService(90));
    server = await startDiscoveryServer({
      source: createFileSource({ dir, debounceMs: 50, maxDelayMs: 1000 }), sourceName: dir, grpcAddr: '127.0.0.1:0', monitoringAddr: '127.0.0.1:0',
      logger: createLogger('warn'), onXdsEvent: (e) => events.push(e),
    });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Connects a delta client in `ns` that subscribes to everything as Envoy does and ACKs it. */
  async function connect(ns: string): Promise<{ client: AdsClient; nodeId: string }> {
    const nodeId = `sidecar~10.9.9.${clients.length + 1}~client-0.${ns}~${ns}.svc.cluster.local`;
    const client = createAdsClient(`127.0.0.1:${server.xdsPort}`, { node: { id: nodeId, metadata: { ISTIO_VERSION: '1.28.0' } }, delta: true });
    clients.push(client);
    const cds = await client.requestResponseAck(TypeUrl.Cluster);
    await client.requestResponseAck(TypeUrl.ClusterLoadAssignment, cds.resources.map((r) => r.name).filter((n) => n.startsWith('outbound|')));
    await client.requestResponseAck(TypeUrl.Listener);
    await client.requestResponseAck(TypeUrl.RouteConfiguration, ['80']);
    return { client, nodeId };
  }
  const sentTo = (nodeId: string, since: number) => events.slice(since).flatMap((e) => (e.kind === 'send' && e.nodeId === nodeId ? [e] : []));

  it('sends an edited VirtualService only to the namespace that sees it, as one RouteConfiguration', async () => {
    const a = await connect('a');
    const b = await connect('b');
    const mark = events.length;
    fs.writeFileSync(path.join(dir, 'vs.yaml'), virtualService(10));
    const rds = await a.client.expectResponse(TypeUrl.RouteConfiguration, 5000);
    a.client.ack(rds);
    expect(rds.resources.map((r) => r.name)).toEqual(['80']);
    await b.client.expectNoResponse(500);
    expect(sentTo(a.nodeId, mark).map((e) => e.typeUrl)).toEqual([TypeUrl.RouteConfiguration]);
    expect(sentTo(b.nodeId, mark)).toEqual([]); // zero bytes to the proxy that cannot see it
  });

  it('an endpoint-only change sends only the changed load assignment, to every proxy that sees the service', async () => {
    const [a, b] = [clients[0]!, clients[1]!];
    const ids = ['sidecar~10.9.9.1~client-0.a~a.svc.cluster.local', 'sidecar~10.9.9.2~client-0.b~b.svc.cluster.local'];
    const mark = events.length;
    fs.writeFileSync(path.join(dir, 'b.yaml'), namespace('b', 2, 3));
    for (const c of [a, b]) {
      const eds = await c.expectResponse(TypeUrl.ClusterLoadAssignment, 5000);
      c.ack(eds);
      expect(eds.resources.map((r) => r.name)).toEqual(['outbound|80||web.b.svc.cluster.local']);
    }
    await a.expectNoResponse(300);
    for (const id of ids) expect(sentTo(id, mark).map((e) => e.typeUrl)).toEqual([TypeUrl.ClusterLoadAssignment]);
  });
});
