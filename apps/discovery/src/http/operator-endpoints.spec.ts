import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { fromJson } from '@bufbuild/protobuf';
import { anyUnpack } from '@bufbuild/protobuf/wkt';
import { TypeUrl, adminV3, envoyRegistry, listenerV3 } from '@minipilot/envoy-api';
import { createAdsClient, type AdsClient } from '@minipilot/xds-server';
import { createFileSource } from '@minipilot/config-sources';
import { startDiscoveryServer, type DiscoveryServer } from '../discovery-server.js';
import { createLogger } from '../logger.js';
import { EMBEDDED_LAB_DIR } from '../options.js';

// The operator endpoints of the real server on a copy of the lab, with a real ADS client connected:
// the /debug index, registry views, runtime log level, the Envoy-shaped config dump (parsed with
// Envoy's admin protos, as istioctl reads it), and istiod's metrics moving on a config change.

const PRODUCTPAGE = 'sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local';
let dir: string;
let server: DiscoveryServer;
let client: AdsClient;
const logStream = new PassThrough();
let logText = '';
let allLog = '';
logStream.on('data', (d: Buffer) => { logText += d.toString(); allLog += d.toString(); });

const get = async (p: string): Promise<{ status: number; type: string; text: string }> => {
  const r = await fetch(`http://127.0.0.1:${server.monitoringPort}${p}`);
  return { status: r.status, type: r.headers.get('content-type') ?? '', text: await r.text() };
};
const json = async <T>(p: string): Promise<T> => JSON.parse((await get(p)).text) as T;

/** The value of one sample line of the Prometheus text, or undefined when the series is absent. */
function sample(metrics: string, series: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-operator-'));
  fs.cpSync(EMBEDDED_LAB_DIR, dir, { recursive: true });
  // ISTIO_MUTUAL is deferred for stock Envoy with a warning: every proxy view hits it.
  fs.writeFileSync(path.join(dir, 'mtls.yaml'), 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: ratings-mtls, namespace: default}\nspec:\n  host: details\n  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}\n');
  const logger = createLogger('info', { destination: logStream });
  server = await startDiscoveryServer({
    source: createFileSource({ dir, debounceMs: 20, maxDelayMs: 200, logger: logger.child({ scope: 'config' }) }), sourceName: dir,
    grpcAddr: '127.0.0.1:0', monitoringAddr: '127.0.0.1:0', logger,
  });
  client = createAdsClient(`127.0.0.1:${server.xdsPort}`, { node: { id: PRODUCTPAGE, metadata: { NAMESPACE: 'default' } } });
  await client.requestResponseAck(TypeUrl.Listener, ['*']);
});

afterAll(async () => {
  client?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('operator endpoints', () => {
  it('/debug is an HTML index linking every endpoint, /debug/list has the same set', async () => {
    const page = await get('/debug');
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    const list = await json<Record<string, string>>('/debug/list');
    for (const p of ['/debug/registryz', '/debug/endpointz', '/debug/instancesz', '/debug/loglevel', '/debug/config_dump', '/version', '/metrics']) {
      expect(list[p]).toEqual(expect.any(String));
      expect(page.text).toContain(`<a href="${p}">`);
    }
  });

  it('/debug/registryz, /debug/endpointz and /debug/instancesz show services, endpoints and the connected proxy\'s instances', async () => {
    const services = await json<{ hostname: string; ports: { port: number }[] }[]>('/debug/registryz');
    expect(services.find((s) => s.hostname === 'reviews.default.svc.cluster.local')?.ports.map((p) => p.port)).toEqual([9080]);
    const endpoints = await json<{ service: string; port: number; endpoints: { address: string; labels: Record<string, string> }[] }[]>('/debug/endpointz');
    const reviews = endpoints.find((e) => e.service === 'reviews.default.svc.cluster.local' && e.port === 9080)!;
    expect(reviews.endpoints.map((e) => e.labels['version']).sort()).toEqual(['v1', 'v2', 'v3']);
    const instances = await json<Record<string, { service: string; port: number }[]>>('/debug/instancesz');
    expect(instances[PRODUCTPAGE]).toEqual([expect.objectContaining({ service: 'productpage.default.svc.cluster.local', port: 9080 })]);
  });

  it('/version answers, and /debug/loglevel changes the level of every subsystem at run time', async () => {
    expect(await json<{ version: string; node: string }>('/version')).toMatchObject({ version: expect.stringMatching(/^\d+\.\d+\.\d+/), node: process.version });
    expect(await json('/debug/loglevel')).toEqual({ level: 'info' });
    expect((await get('/debug/loglevel?level=loud')).status).toBe(400);
    expect(await json('/debug/loglevel?level=debug')).toEqual({ level: 'debug', previous: 'info' });
    logText = '';
    // the config source's logger (a child made at start, scope config) now logs its debug lines
    const file = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.yaml'))!);
    fs.writeFileSync(file, fs.readFileSync(file));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !logText.includes('nothing changed')) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(logText).toMatch(/"level":"debug".*"scope":"config".*"msg":"config reloaded: nothing changed"/);
    await json('/debug/loglevel?level=info');
  });

  it('/debug/config_dump is Envoy\'s admin ConfigDump, for a connected proxy and, on demand, for one that is not', async () => {
    const listenerNames = (dump: { configs: Record<string, unknown>[] }): string[] => {
      const entry = dump.configs.find((c) => c['@type'] === 'type.googleapis.com/envoy.admin.v3.ListenersConfigDump')!;
      const { '@type': _t, ...body } = entry;
      const parsed = fromJson(adminV3.ListenersConfigDumpSchema, body as never, { registry: envoyRegistry });
      return parsed.dynamicListeners.map((l) => anyUnpack(l.activeState!.listener!, listenerV3.ListenerSchema)!.name);
    };
    const connected = await json<{ configs: Record<string, unknown>[] }>(`/debug/config_dump?proxyID=${PRODUCTPAGE}`);
    expect(connected.configs.map((c) => c['@type'])).toEqual(['Clusters', 'Listeners', 'Routes', 'Endpoints'].map((k) => `type.googleapis.com/envoy.admin.v3.${k}ConfigDump`));
    expect(listenerNames(connected)).toContain('0.0.0.0_9080');
    expect(connected.configs[1]!['versionInfo']).toEqual(expect.any(String)); // the version sent on the stream

    const offline = await json<{ configs: Record<string, unknown>[] }>('/debug/config_dump?proxyID=reviews-v2-0.default');
    expect(listenerNames(offline)).toContain('0.0.0.0_9080');
    const gateway = await json<{ configs: Record<string, unknown>[] }>(`/debug/config_dump?proxyID=${encodeURIComponent('router~10.244.0.2~gw-0.istio-system~istio-system.svc.cluster.local')}&labels=istio=ingressgateway`);
    expect(listenerNames(gateway)).toEqual(['0.0.0.0_8080']);
    const perType = await json<{ proxy: string; connected: boolean; routes: unknown[] }>(`/debug/config_dump?proxyID=${PRODUCTPAGE}&format=resources`);
    expect(perType).toMatchObject({ proxy: PRODUCTPAGE, connected: true, routes: expect.any(Array) });
    expect((await get('/debug/config_dump')).status).toBe(400);
  });

  it('logs a translation warning once, not once per proxy that gets it', async () => {
    const other = createAdsClient(`127.0.0.1:${server.xdsPort}`, { node: { id: 'sidecar~10.244.0.21~reviews-v1-0.default~default.svc.cluster.local', metadata: { NAMESPACE: 'default' } } });
    try {
      await other.requestResponseAck(TypeUrl.Cluster, ['*']);
      expect(server.xds.connections()).toHaveLength(2);
      const deferred = allLog.split('\n').filter((l) => l.includes('ISTIO_MUTUAL is deferred'));
      expect(deferred.length).toBeGreaterThan(0);
      const messages = deferred.map((l) => (JSON.parse(l) as { msg: string }).msg);
      expect(new Set(messages).size).toBe(messages.length);
    } finally {
      other.close();
    }
  });

  it('istiod\'s metrics exist with its names and move on a config change', async () => {
    const before = (await get('/metrics')).text;
    for (const name of ['pilot_xds', 'pilot_xds_pushes', 'pilot_services', 'pilot_virt_services', 'pilot_proxy_convergence_time', 'pilot_debounce_time', 'pilot_push_triggers',
      'pilot_xds_push_time', 'pilot_proxy_queue_time', 'pilot_k8s_cfg_events', 'pilot_xds_send_time', 'pilot_inbound_updates', 'process_cpu_user_seconds_total', 'nodejs_heap_size_used_bytes']) {
      expect(before).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    }
    expect(before).not.toMatch(/^# TYPE pilot_\w+_total /m); // istiod's counters have no _total
    expect(sample(before, 'pilot_services')).toBeGreaterThan(5);
    const vs = path.join(dir, 'reviews-v3.yaml');
    // A host the proxy can reach (a ServiceEntry) with a VirtualService: the proxy's config changes, so it is pushed.
    fs.writeFileSync(vs, 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: reviews-v3, namespace: default}\nspec:\n  hosts: [reviews-v3.example.com]\n  ports: [{number: 80, name: http, protocol: HTTP}]\n  resolution: DNS\n---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: reviews-v3, namespace: default}\nspec:\n  hosts: [reviews-v3.example.com]\n  http:\n  - route: [{destination: {host: reviews}}]\n');
    const deadline = Date.now() + 10_000;
    let after = before;
    while (Date.now() < deadline && !/^pilot_proxy_convergence_time_count [1-9]/m.test(after)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = (await get('/metrics')).text;
    }
    expect(sample(after, 'pilot_k8s_cfg_events{type="VirtualService",event="add"}')).toBe(1);
    expect(sample(after, 'pilot_inbound_updates{type="config"}')).toBe(1);
    expect(sample(after, 'pilot_push_triggers{type="config"}')).toBe(1);
    expect(sample(after, 'pilot_proxy_convergence_time_count')).toBe(1);
    expect(sample(after, 'pilot_virt_services')).toBe((sample(before, 'pilot_virt_services') ?? 0) + 1);
    expect(logText).toMatch(/"msg":"config loaded: [^"]*VirtualService\/default\/reviews-v3/);
    expect(logText).toMatch(/"proxies":1,.*"msg":"pushed to 1 proxy"/);
  });
});
