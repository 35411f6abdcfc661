import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { register as registerXds } from '@grpc/grpc-js-xds';
import { TypeUrl } from '@minipilot/envoy-api';
import type { XdsEvent } from '@minipilot/xds-server';
import { createKubeSource, type KubeConfigSource } from '@minipilot/config-sources';
import { startFakeApiServer, type FakeApiServer } from '@minipilot/config-sources/src/testing/fake-apiserver';
import { startDiscoveryServer, type DiscoveryServer } from './discovery-server.js';
import { createLogger } from './logger.js';
import { describeKubeStatus } from './main.js';
import { startGreeterBackend, createXdsGreeterClient, until } from './testing/greeter.js';

// End to end with real parts: an emulated Kubernetes API server → the Kubernetes source (real
// @kubernetes/client-node) → minipilot → a real @grpc/grpc-js-xds client routing real RPCs to two
// real gRPC backends on 127.0.0.1.
registerXds();

const NODE_ID = 'sidecar~127.0.0.1~client-0.default~default.svc.cluster.local';

const pod = (version: string): Record<string, unknown> => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: `greeter-${version}`, namespace: 'default', labels: { app: 'greeter', version } },
  spec: { serviceAccountName: 'greeter', containers: [{ name: 'greeter', image: 'greeter' }] }, status: { phase: 'Running', podIP: '127.0.0.1' },
});
const slice = (version: string, port: number): Record<string, unknown> => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
  metadata: { name: `greeter-${version}`, namespace: 'default', labels: { 'kubernetes.io/service-name': 'greeter' } },
  addressType: 'IPv4', ports: [{ name: 'grpc', port }],
  endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true, serving: true, terminating: false }, targetRef: { kind: 'Pod', name: `greeter-${version}`, namespace: 'default' } }],
});
const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'greeter', namespace: 'default' }, spec: { clusterIP: '10.96.0.50', ports: [{ name: 'grpc', port: 50051 }], selector: { app: 'greeter' } } };
const destinationRule = {
  apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'greeter', namespace: 'default' },
  spec: { host: 'greeter', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] },
};
const weighted = (w1: number, w2: number): Record<string, unknown> => ({
  apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'greeter', namespace: 'default' },
  spec: { hosts: ['greeter'], http: [{ route: [{ destination: { host: 'greeter', subset: 'v1' }, weight: w1 }, { destination: { host: 'greeter', subset: 'v2' }, weight: w2 }] }] },
});


function getText(port: number, p: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: p }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('end to end: Kubernetes API (emulated) → minipilot → grpc-js-xds client', () => {
  let api: FakeApiServer;
  let dir: string;
  let source: KubeConfigSource;
  let server: DiscoveryServer;
  let backends: { port: number; stop: () => Promise<void> }[];
  let client: ReturnType<typeof createXdsGreeterClient>;
  const events: XdsEvent[] = [];
  const onlyV = async (version: string, n = 10): Promise<boolean> => {
    for (let i = 0; i < n; i++) if ((await client.call()) !== version) return false;
    return true;
  };

  beforeAll(async () => {
    backends = [await startGreeterBackend('v1'), await startGreeterBackend('v2')];
    api = await startFakeApiServer();
    for (const o of [service, pod('v1'), pod('v2'), slice('v1', backends[0]!.port), slice('v2', backends[1]!.port), destinationRule, weighted(100, 0)]) api.apply(o);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minipilot-kube-e2e-'));
    fs.writeFileSync(path.join(dir, 'kubeconfig'), api.kubeconfigYaml());
    source = createKubeSource({ kubeConfig: path.join(dir, 'kubeconfig'), debounceMs: 50, maxDelayMs: 1000, backoff: { initialMs: 100, maxMs: 500 } });
    server = await startDiscoveryServer({
      source, sourceName: 'kubernetes', readinessDetail: () => describeKubeStatus(source.status()),
      grpcAddr: '127.0.0.1:0', monitoringAddr: '127.0.0.1:0', logger: createLogger('warn'), onXdsEvent: (e) => events.push(e),
    });
    client = createXdsGreeterClient(server.xdsPort, NODE_ID);
  });

  afterAll(async () => {
    client?.close();
    await server?.stop();
    await api?.stop();
    await Promise.all((backends ?? []).map((b) => b.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('routes every RPC to v1 under a 100/0 split, and /ready reports the watch', async () => {
    expect(await onlyV('v1', 20)).toBe(true);
    await until('all watches open', 5000, async () => (source.status().connected ? true : undefined));
    const ready = await getText(server.monitoringPort, '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatch(/^ready\nkubernetes emulated \(http:\/\/127\.0\.0\.1:\d+\): connected, watching \(networking\.istio\.io\/v1\)\n$/);
  });

  it('moves RPCs to v2 within a second of the VirtualService changing to 0/100 in the API server', async () => {
    const start = Date.now();
    api.apply(weighted(0, 100));
    await until('RPCs to reach v2', 5000, async () => ((await client.call()) === 'v2' ? true : undefined));
    const elapsed = Date.now() - start;
    process.stdout.write(`kube e2e: VirtualService change reached the grpc-js-xds client in ${elapsed} ms\n`);
    expect(await onlyV('v2', 20)).toBe(true);
    expect(elapsed).toBeLessThan(1000);
  });

  it('follows a DestinationRule subset moving to other pods (labels from Pods, endpoints from EndpointSlices)', async () => {
    api.apply({ ...destinationRule, spec: { host: 'greeter', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v1' } }] } });
    await until('subset v2 to select the v1 pod', 5000, async () => ((await onlyV('v1')) ? true : undefined));
    api.apply(destinationRule);
    await until('subset v2 back on the v2 pod', 5000, async () => ((await onlyV('v2')) ? true : undefined));
  });

  it('recovers from watches killed mid-stream and delivers the change made meanwhile', async () => {
    api.dropWatches();
    api.apply(weighted(100, 0));
    await until('RPCs back on v1', 5000, async () => ((await onlyV('v1')) ? true : undefined));
    await until('all watches open again', 5000, async () => (source.status().connected ? true : undefined));
  });

  it('keeps serving xDS while the API server is away, says so on /ready, and resyncs when it is back', async () => {
    await api.stop();
    await until('the source to notice', 5000, async () => (!source.status().connected ? true : undefined));
    expect(await onlyV('v1', 20)).toBe(true);
    const ready = await getText(server.monitoringPort, '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatch(/API server unreachable since .*; serving the last config, retrying/);

    api.apply(weighted(0, 100));
    await api.start();
    await until('the change made while away', 5000, async () => ((await onlyV('v2')) ? true : undefined));
  });

  it('falls back to default routing across both versions when the VirtualService is deleted', async () => {
    api.remove('VirtualService', 'default', 'greeter');
    const seen = await until('both versions', 5000, async () => {
      const s = new Set<string>();
      for (let i = 0; i < 10; i++) s.add(await client.call());
      return s.size === 2 ? s : undefined;
    });
    expect(seen).toEqual(new Set(['v1', 'v2']));
  });

  it('saw the client ACK all four resource types', () => {
    const acked = new Set(events.filter((e) => e.kind === 'ack' && e.nodeId === NODE_ID).map((e) => (e as { typeUrl: string }).typeUrl));
    for (const t of [TypeUrl.Listener, TypeUrl.RouteConfiguration, TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment]) expect(acked).toContain(t);
  });
});
