import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { createKubeSource, type KubeConfigSource, type KubeSourceOptions } from './kube-source.js';
import { startFakeApiServer, type FakeApiServer, type FakeApiServerOptions } from '../testing/fake-apiserver.js';
import { createRecordingLogger } from '../testing/recording-logger.js';
import { recordUpdates, waitFor } from '../testing/update-recorder.js';

// The Kubernetes source against the emulated API server, through the real @kubernetes/client-node.
// Timeouts are generous: the machine is shared, and nothing here depends on exact timing.
jest.setTimeout(30_000);

const vs = (name: string, host: string, ns = 'default'): Record<string, unknown> => ({
  apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace: ns },
  spec: { hosts: [host], http: [{ route: [{ destination: { host } }] }] },
});
const OBJECTS: Record<string, (variant: string) => Record<string, unknown>> = {
  VirtualService: (v) => vs('reviews', `reviews-${v}`),
  DestinationRule: (v) => ({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'reviews', namespace: 'default' }, spec: { host: 'reviews', subsets: [{ name: v, labels: { version: v } }] } }),
  Gateway: (v) => ({ apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: 'default' }, spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [`${v}.example.com`] }] } }),
  ServiceEntry: (v) => ({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'ext', namespace: 'default' }, spec: { hosts: [`${v}.example.org`], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' } }),
  PeerAuthentication: (v) => ({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'default' }, spec: { mtls: { mode: v === 'a' ? 'STRICT' : 'PERMISSIVE' } } }),
  Service: (v) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'reviews', namespace: 'default' }, spec: { clusterIP: '10.96.0.10', selector: { app: v }, ports: [{ name: 'http', port: 9080 }] } }),
  EndpointSlice: (v) => ({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'reviews-abc', namespace: 'default', labels: { 'kubernetes.io/service-name': 'reviews' } }, addressType: 'IPv4', ports: [{ name: 'http', port: 9080 }], endpoints: [{ addresses: [v === 'a' ? '10.244.0.1' : '10.244.0.2'], conditions: { ready: true } }] }),
  Pod: (v) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'reviews-v1-x', namespace: 'default', labels: { app: 'reviews', version: v } }, spec: { containers: [{ name: 'app', image: 'reviews' }] }, status: { phase: 'Running', podIP: '10.244.0.1' } }),
  Namespace: (v) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bookinfo', labels: { 'istio-injection': v === 'a' ? 'enabled' : 'disabled' } } }),
};
const KEYS: Record<string, string> = {
  VirtualService: 'VirtualService/default/reviews', DestinationRule: 'DestinationRule/default/reviews', Gateway: 'Gateway/default/gw', ServiceEntry: 'ServiceEntry/default/ext',
  PeerAuthentication: 'PeerAuthentication/default/default',
  Service: 'Service/default/reviews', EndpointSlice: 'EndpointSlice/default/reviews-abc', Pod: 'Pod/default/reviews-v1-x', Namespace: 'Namespace//bookinfo',
};

describe('createKubeSource (emulated API server, real client-node)', () => {
  let api: FakeApiServer;
  let source: KubeConfigSource | undefined;
  let log: ReturnType<typeof createRecordingLogger>;

  const boot = async (o: FakeApiServerOptions = {}): Promise<void> => {
    api = await startFakeApiServer(o);
  };
  const kubeConfig = (): KubeConfig => {
    const kc = new KubeConfig();
    kc.loadFromString(api.kubeconfigYaml());
    return kc;
  };
  const open = (o: Partial<KubeSourceOptions> = {}): KubeConfigSource =>
    (source = createKubeSource({ kubeConfig: kubeConfig(), debounceMs: 20, maxDelayMs: 500, backoff: { initialMs: 50, maxMs: 400 }, logger: log, ...o }));
  const watchesOpen = (n = 8): Promise<void> => waitFor(() => api.openWatches() >= n && source!.status().connected, 15_000);

  beforeEach(() => {
    log = createRecordingLogger();
  });
  afterEach(async () => {
    await source?.stop();
    source = undefined;
    await api?.stop();
  });

  it('lists every kind before the first update, at networking.istio.io/v1, authenticated from the kubeconfig', async () => {
    await boot();
    for (const make of Object.values(OBJECTS)) api.apply(make('a'));
    const s = open();
    expect(s.current()).toBeUndefined();
    const first = await s.start();
    expect([...first.snapshot.objects.keys()].sort()).toEqual(Object.values(KEYS).sort());
    expect([...first.changedKeys].sort()).toEqual(Object.values(KEYS).sort());
    expect(first.problems).toEqual([]);
    // Built-in list items carry no apiVersion/kind; the source sets them before parsing.
    expect(first.snapshot.get('Pod', 'default', 'reviews-v1-x')).toMatchObject({ apiVersion: 'v1', body: { status: { podIP: '10.244.0.1' } } });
    expect(first.snapshot.get('EndpointSlice', 'default', 'reviews-abc')?.apiVersion).toBe('discovery.k8s.io/v1');
    expect(first.snapshot.get('Namespace', '', 'bookinfo')?.metadata.labels).toEqual({ 'istio-injection': 'enabled' });
    expect(s.status()).toMatchObject({ synced: true, istioApi: 'networking.istio.io/v1' });
    expect(api.requests.find((r) => r.path === '/apis/networking.istio.io')).toBeDefined();
    expect(api.requests.some((r) => r.path === '/apis/networking.istio.io/v1/virtualservices' && r.query['watch'] === undefined)).toBe(true);
    // PeerAuthentication is read from security.istio.io at its preferred version.
    expect(api.requests.some((r) => r.path === '/apis/security.istio.io/v1/peerauthentications' && r.query['watch'] === undefined)).toBe(true);
    expect(first.snapshot.get('PeerAuthentication', 'default', 'default')).toMatchObject({ apiVersion: 'security.istio.io/v1', spec: { mtls: { mode: 'STRICT' } } });
    expect(api.requests.every((r) => r.authorization === 'Bearer emulated-token')).toBe(true);
    await watchesOpen();
    expect(api.requests.filter((r) => r.query['watch'] === 'true').every((r) => r.query['allowWatchBookmarks'] === 'true')).toBe(true);
  });

  it('reads a kubeconfig file by path', async () => {
    await boot();
    api.apply(OBJECTS['VirtualService']!('a'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minipilot-kube-'));
    fs.writeFileSync(path.join(dir, 'config'), api.kubeconfigYaml());
    try {
      const first = await open({ kubeConfig: path.join(dir, 'config') }).start();
      expect(first.snapshot.get('VirtualService', 'default', 'reviews')?.spec.hosts).toEqual(['reviews-a']);
      expect(source!.status().server).toBe(`emulated (${api.url})`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prefers v1beta1 over v1alpha3 when v1 is not served, and watches only the registry when Istio is not served', async () => {
    await boot({ istioVersions: ['v1alpha3', 'v1beta1'] });
    api.apply({ ...vs('a', 'a'), apiVersion: 'networking.istio.io/v1beta1' });
    const first = await open().start();
    expect(source!.status().istioApi).toBe('networking.istio.io/v1beta1');
    expect(first.snapshot.get('VirtualService', 'default', 'a')?.apiVersion).toBe('networking.istio.io/v1beta1');
    expect(api.requests.some((r) => r.path.startsWith('/apis/networking.istio.io/v1alpha3'))).toBe(false);
    await source!.stop();
    await api.stop();

    await boot({ istioVersions: [] });
    api.apply(OBJECTS['Service']!('a'));
    const only = await open().start();
    expect([...only.snapshot.objects.keys()]).toEqual(['Service/default/reviews']);
    expect(source!.status().istioApi).toBeUndefined();
    expect(log.entries.some((e) => e.level === 'warn' && /networking\.istio\.io .*not served/.test(e.msg ?? ''))).toBe(true);
  });

  it.each(Object.keys(OBJECTS))('follows create, update and delete of a %s', async (kind) => {
    await boot();
    const s = open();
    await s.start();
    const rec = recordUpdates(s);
    const key = KEYS[kind]!;
    const make = OBJECTS[kind]!;

    api.apply(make('a'));
    const created = await rec.next(15_000);
    expect([...created.changedKeys]).toEqual([key]);
    expect(created.snapshot.objects.has(key)).toBe(true);

    api.apply(make('b'));
    const updated = await rec.next(15_000);
    expect([...updated.changedKeys]).toEqual([key]);
    expect(JSON.stringify(updated.snapshot.objects.get(key))).not.toEqual(JSON.stringify(created.snapshot.objects.get(key)));

    const [ns, name] = key.split('/').slice(1) as [string, string];
    api.remove(kind, ns, name);
    const deleted = await rec.next(15_000);
    expect([...deleted.changedKeys]).toEqual([key]);
    expect(deleted.snapshot.objects.has(key)).toBe(false);
  });

  it('ignores Pod changes the service registry does not read (status heartbeats, new resourceVersions)', async () => {
    await boot();
    api.apply(OBJECTS['Pod']!('v1'));
    const s = open();
    await s.start();
    const rec = recordUpdates(s);
    const pod = OBJECTS['Pod']!('v1');
    api.apply({ ...pod, status: { ...(pod['status'] as object), conditions: [{ type: 'Ready', status: 'True', lastProbeTime: 'now' }] } });
    await rec.expectNone(300);
    api.apply({ ...pod, metadata: { ...(pod['metadata'] as object), labels: { app: 'reviews', version: 'v2' } } });
    expect((await rec.next(15_000)).snapshot.get('Pod', 'default', 'reviews-v1-x')?.metadata.labels['version']).toBe('v2');
  });

  it('withholds an invalid object, logs it once, and keeps serving its last good version', async () => {
    await boot();
    api.apply(vs('bad', 'bad'));
    api.apply({ ...vs('never-good', 'x'), spec: { hosts: 'not-a-list' } });
    const s = open();
    const first = await s.start();
    expect(first.snapshot.objects.has('VirtualService/default/never-good')).toBe(false);
    expect(first.problems).toEqual([expect.objectContaining({ severity: 'error', kind: 'VirtualService', name: 'never-good', field: 'spec.hosts' })]);
    const rec = recordUpdates(s);

    api.apply({ ...vs('bad', 'bad'), spec: { hosts: ['bad'], http: [{ timeout: 'soon' }] } });
    api.apply(vs('other', 'other'));
    const next = await rec.next(15_000);
    expect([...next.changedKeys]).toEqual(['VirtualService/default/other']);
    expect(next.snapshot.get('VirtualService', 'default', 'bad')?.spec.http?.[0]?.route?.[0]?.destination?.host).toBe('bad');
    expect(next.problems.map((p) => `${p.severity} ${p.name} ${p.field ?? ''}`)).toEqual(['error bad spec.http[0].timeout', 'warning bad ', 'error never-good spec.hosts']);
    api.apply(vs('third', 'third'));
    await rec.next(15_000);
    const logged = log.entries.filter((e) => e.level === 'error' && /VirtualService default\/bad/.test(e.msg ?? ''));
    expect(logged).toHaveLength(1);
  });

  it('resumes a watch killed mid-stream from its last resourceVersion, losing nothing', async () => {
    await boot();
    api.apply(vs('a', 'a'));
    const s = open();
    await s.start();
    await watchesOpen();
    const rec = recordUpdates(s);
    const listsBefore = api.requests.filter((r) => r.query['watch'] === undefined && r.path.includes('/virtualservices')).length;
    const lastRv = api.store.rv();

    api.dropWatches();
    api.apply(vs('b', 'b'));
    api.remove('VirtualService', 'default', 'a');
    api.apply(OBJECTS['Pod']!('v1'));
    await waitFor(() => rec.updates.some((u) => u.snapshot.objects.has('Pod/default/reviews-v1-x') && u.snapshot.objects.has('VirtualService/default/b')), 15_000);
    const now = s.current()!.snapshot;
    expect(now.objects.has('VirtualService/default/a')).toBe(false);
    expect(now.objects.has('VirtualService/default/b')).toBe(true);
    const resumed = api.requests.filter((r) => r.query['watch'] === 'true' && r.path.includes('/virtualservices'));
    expect(Number(resumed.at(-1)!.query['resourceVersion'])).toBeGreaterThanOrEqual(lastRv);
    expect(api.requests.filter((r) => r.query['watch'] === undefined && r.path.includes('/virtualservices'))).toHaveLength(listsBefore);
    await watchesOpen();
  });

  it('relists after 410 Gone: a no-op when nothing changed, deletes and adds what changed while away', async () => {
    await boot();
    api.apply(vs('a', 'a'));
    api.apply(vs('keep', 'keep'));
    const s = open();
    await s.start();
    await watchesOpen();
    const rec = recordUpdates(s);
    const lists = (): number => api.requests.filter((r) => r.query['watch'] === undefined && r.path.endsWith('/virtualservices')).length;
    const before = lists();

    api.store.compact();
    api.expireWatches();
    await waitFor(() => lists() > before, 15_000);
    await rec.expectNone(200);

    await api.stop();
    api.remove('VirtualService', 'default', 'a');
    api.apply(vs('b', 'b'));
    api.store.compact();
    await api.start();
    const update = await rec.next(15_000);
    expect([...update.changedKeys].sort()).toEqual(['VirtualService/default/a', 'VirtualService/default/b']);
    expect([...update.snapshot.objects.keys()].sort()).toEqual(['VirtualService/default/b', 'VirtualService/default/keep']);
  });

  it('resumes from a bookmark resourceVersion', async () => {
    await boot();
    const s = open();
    await s.start();
    await watchesOpen();
    for (let i = 0; i < 5; i++) api.apply(OBJECTS['Pod']!(`v${i}`));
    api.bookmark();
    const bookmarkRv = String(api.store.rv());
    await waitFor(() => s.current()!.snapshot.get('Pod', 'default', 'reviews-v1-x')?.metadata.labels['version'] === 'v4', 15_000);
    api.dropWatches();
    await waitFor(() => api.requests.some((r) => r.path.endsWith('/gateways') && r.query['watch'] === 'true' && r.query['resourceVersion'] === bookmarkRv), 15_000);
  });

  it('retries failed LISTs (HTTP 500) before the first update and restarts a watch answered with 500', async () => {
    await boot();
    api.apply(vs('a', 'a'));
    api.failNext(3, 500, (r) => r.path.endsWith('/virtualservices') && r.query['watch'] === undefined);
    const first = await open().start();
    expect(first.snapshot.objects.has('VirtualService/default/a')).toBe(true);
    expect(log.entries.filter((e) => e.level === 'warn' && /waiting for the initial list/.test(e.msg ?? ''))).toHaveLength(1);
    await watchesOpen();

    api.failNext(2, 500, (r) => r.path.endsWith('/virtualservices') && r.query['watch'] === 'true');
    api.dropWatches();
    api.apply(vs('b', 'b'));
    await waitFor(() => source!.current()!.snapshot.objects.has('VirtualService/default/b'), 15_000);
    await watchesOpen();
  });

  it('keeps serving the last config while the API server is away, says so, and resyncs when it is back', async () => {
    await boot();
    api.apply(vs('a', 'a'));
    const s = open();
    const first = await s.start();
    await watchesOpen();
    const rec = recordUpdates(s);

    await api.stop();
    await waitFor(() => !s.status().connected, 15_000);
    expect(s.current()).toBe(first);
    expect(s.status()).toMatchObject({ synced: true, connected: false, lastError: expect.stringMatching(/ECONNREFUSED|terminated|fetch failed/) });
    expect(s.status().disconnectedSince).toBeDefined();
    await new Promise((r) => setTimeout(r, 500));
    expect(log.entries.filter((e) => e.level === 'warn' && /still serving the last config/.test(e.msg ?? ''))).toHaveLength(1);

    api.apply(vs('while-away', 'x'));
    await api.start();
    const update = await rec.next(15_000);
    expect([...update.changedKeys]).toEqual(['VirtualService/default/while-away']);
    await watchesOpen();
    expect(s.status().lastError).toBeUndefined();
    expect(log.entries.some((e) => e.level === 'info' && /reachable again/.test(e.msg ?? ''))).toBe(true);
  });

  it('watches one namespace with --watch-namespace', async () => {
    await boot();
    api.apply(vs('mine', 'mine', 'team-a'));
    api.apply(vs('theirs', 'theirs', 'team-b'));
    api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
    api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-b' } });
    const first = await open({ watchNamespace: 'team-a' }).start();
    expect([...first.snapshot.objects.keys()].sort()).toEqual(['Namespace//team-a', 'VirtualService/team-a/mine']);
    expect(api.requests.some((r) => r.path === '/apis/networking.istio.io/v1/namespaces/team-a/virtualservices')).toBe(true);
  });

  it('pages through large LISTs', async () => {
    await boot();
    for (let i = 0; i < 620; i++) api.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: 'default' }, status: { podIP: `10.244.${i >> 8}.${i & 255}` } });
    const first = await open().start();
    expect(first.snapshot.ofKind('Pod')).toHaveLength(620);
    expect(api.requests.filter((r) => r.path === '/api/v1/pods' && r.query['watch'] === undefined)).toHaveLength(2);
  });
});
// client-node's HTTP client (undici) keeps a housekeeping timer running for a few seconds after the
// last connection closed. Wait for it here, so later suites in this worker that count timers
// (file-source.spec) start from a quiet process.
afterAll(async () => {
  const deadline = Date.now() + 10_000;
  while (process.getActiveResourcesInfo().includes('Timeout') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100).unref());
}, 15_000);
