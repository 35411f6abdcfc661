import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createFakeStore, fakeResources, type FakeResource, type FakeStore, type StoreEvent, type StoredObject } from './fake-apiserver-store.js';
import { createFakeWrites, type FakeTokenOwner } from './fake-apiserver-writes.js';

// An emulated Kubernetes API server for tests (no kube-apiserver binary can be installed here). It
// speaks the real HTTP protocol of list and watch: API discovery documents, paged LISTs with a
// list resourceVersion, `?watch=true` streams of ADDED/MODIFIED/DELETED/BOOKMARK/ERROR JSON lines
// replayed from a resourceVersion, 410 Gone for compacted history, and hooks to drop connections,
// inject failures and take the whole server away and back on the same port. Loopback only.

/** Options of {@link startFakeApiServer}. */
export interface FakeApiServerOptions {
  /** Versions of networking.istio.io served (default v1, v1beta1, v1alpha3); empty: no Istio CRDs. */
  readonly istioVersions?: readonly string[];
  /** First resourceVersion minus one (default 1000). */
  readonly startRv?: number;
}

/** One request the server received. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly authorization?: string;
}

/** A running emulated API server; see {@link startFakeApiServer}. */
export interface FakeApiServer {
  readonly url: string;
  readonly port: number;
  readonly store: FakeStore;
  readonly requests: RecordedRequest[];
  /** A kubeconfig (YAML) for this server: plain http, so it sets insecure-skip-tls-verify. */
  kubeconfigYaml(): string;
  /** Creates or replaces an object; it needs apiVersion (optional for built-ins), kind and metadata.name. */
  apply(obj: Record<string, unknown>): StoredObject;
  remove(kind: string, namespace: string, name: string): boolean;
  /** Watch streams currently open. */
  openWatches(): number;
  /** Destroys every watch connection mid-stream (no clean end of the HTTP response). */
  dropWatches(): void;
  /** Sends `ERROR 410 Expired` on every open watch and ends it, as after an etcd compaction. */
  expireWatches(): void;
  /** Sends a BOOKMARK at the current resourceVersion on every watch that allowed bookmarks. */
  bookmark(): void;
  /**
   * Makes `token` a valid bearer token for TokenReview (authentication.k8s.io/v1), owned by
   * `owner.username` (e.g. `system:serviceaccount:default:bookinfo`) for `owner.audiences`.
   */
  addToken(token: string, owner: FakeTokenOwner): void;
  /** Answers the next `count` requests matching `match` (default: all) with HTTP `status`. */
  failNext(count: number, status?: number, match?: (r: RecordedRequest) => boolean): void;
  /** Takes the server away: stops listening and destroys every connection. State is kept. */
  stop(): Promise<void>;
  /** Brings the server back on the same port. */
  start(): Promise<void>;
}

interface OpenWatch {
  readonly res: http.ServerResponse;
  readonly bookmarks: boolean;
  readonly resource: FakeResource;
  readonly version: string;
  end(): void;
}

/** Starts an emulated API server on 127.0.0.1 (a free port). */
export async function startFakeApiServer(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const resources = fakeResources(options.istioVersions ?? ['v1', 'v1beta1', 'v1alpha3']);
  const store = createFakeStore(resources, options.startRv ?? 1000);
  const requests: RecordedRequest[] = [];
  const watches = new Set<OpenWatch>();
  const sockets = new Set<Socket>();
  const failures: { count: number; status: number; match: (r: RecordedRequest) => boolean }[] = [];
  let port = 0;
  const writes = createFakeWrites(store);

  const server = http.createServer((req, res) => handle(req, res));
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const auth = req.headers.authorization;
    const rec: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), ...(auth ? { authorization: auth } : {}) };
    requests.push(rec);
    const failure = failures.find((f) => f.count > 0 && f.match(rec));
    if (failure) {
      failure.count -= 1;
      return status(res, failure.status, 'InternalError', 'injected failure');
    }
    if (writes.handle(req, res, url.pathname)) return;
    if (rec.method !== 'GET') return status(res, 405, 'MethodNotAllowed', 'the emulated API server only lists and watches');
    const doc = discovery(url.pathname);
    if (doc) return json(res, 200, doc);
    const m = /^\/api\/(v1)(?:\/namespaces\/([^/]+))?\/([^/]+)$/.exec(url.pathname) ?? /^\/apis\/([^/]+)\/([^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)$/.exec(url.pathname);
    if (!m) return status(res, 404, 'NotFound', `the server could not find the requested resource (${url.pathname})`);
    const [group, version, ns, plural] = m.length === 4 ? ['', m[1]!, m[2], m[3]!] : [m[1]!, m[2]!, m[3], m[4]!];
    const resource = store.resourceFor(group, plural);
    if (!resource || !resource.versions.includes(version)) return status(res, 404, 'NotFound', `the server could not find the requested resource (${url.pathname})`);
    const watch = rec.query['watch'] === 'true' || rec.query['watch'] === '1';
    return watch ? startWatch(res, resource, version, ns, rec.query) : list(res, resource, version, ns, rec.query);
  }

  function discovery(p: string): object | undefined {
    const groups = new Map<string, string[]>();
    for (const r of resources) if (r.group) groups.set(r.group, [...r.versions]);
    const group = (name: string, versions: string[]): object => ({
      kind: 'APIGroup', apiVersion: 'v1', name,
      versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    });
    if (p === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
    if (p === '/apis') return { kind: 'APIGroupList', apiVersion: 'v1', groups: [...groups].map(([n, v]) => group(n, v)) };
    if (p === '/version') return { major: '1', minor: '33', gitVersion: 'v1.33.0-emulated' };
    const g = /^\/apis\/([^/]+)$/.exec(p);
    const versions = g ? groups.get(g[1]!) : undefined;
    return g && versions ? group(g[1]!, versions) : undefined;
  }

  /** The object as served in `version`: built-in list items lose apiVersion/kind, as a real server sends them. */
  function served(o: StoredObject, resource: FakeResource, version: string, inList: boolean): Record<string, unknown> {
    if (inList && resource.builtin) {
      const { apiVersion: _a, kind: _k, ...rest } = o;
      return rest;
    }
    return resource.group ? { ...o, apiVersion: `${resource.group}/${version}` } : o;
  }

  function selected(o: StoredObject, fieldSelector: string | undefined, labelSelector?: string): boolean {
    return (fieldSelector ?? '').split(',').filter((t) => t !== '').every((term) => {
      const [field, value] = term.split('=', 2);
      if (field === 'metadata.name') return o.metadata.name === value;
      if (field === 'metadata.namespace') return o.metadata.namespace === value;
      return true;
    }) && labelsMatch(o, labelSelector);
  }

  function list(res: http.ServerResponse, resource: FakeResource, version: string, ns: string | undefined, q: Readonly<Record<string, string>>): void {
    const all = store.list(resource, ns).filter((o) => selected(o, q['fieldSelector'], q['labelSelector']));
    let offset = 0;
    let listRv = store.rv();
    if (q['continue']) {
      const token = JSON.parse(Buffer.from(q['continue'], 'base64').toString()) as { rv: number; offset: number };
      if (token.rv < store.oldestRv()) return status(res, 410, 'Expired', 'The provided continue parameter is too old');
      ({ offset, rv: listRv } = token);
    }
    const limit = q['limit'] ? Number(q['limit']) : 0;
    const page = limit > 0 ? all.slice(offset, offset + limit) : all.slice(offset);
    const more = limit > 0 && offset + limit < all.length;
    const metadata = { resourceVersion: String(listRv), ...(more ? { continue: Buffer.from(JSON.stringify({ rv: listRv, offset: offset + limit })).toString('base64') } : {}) };
    const apiVersion = resource.group ? `${resource.group}/${version}` : version;
    json(res, 200, { kind: `${resource.kind}List`, apiVersion, metadata, items: page.map((o) => served(o, resource, version, true)) });
  }

  function startWatch(res: http.ServerResponse, resource: FakeResource, version: string, ns: string | undefined, q: Readonly<Record<string, string>>): void {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    const send = (type: string, object: object): void => void res.write(`${JSON.stringify({ type, object })}\n`);
    const rvParam = q['resourceVersion'] ?? '';
    const fromRv = rvParam === '' || rvParam === '0' ? undefined : Number(rvParam);
    if (fromRv !== undefined && fromRv < store.oldestRv()) {
      send('ERROR', gone());
      res.end();
      return;
    }
    const fieldSelector = q['fieldSelector'];
    const labelSelector = q['labelSelector'];
    if (fromRv === undefined) {
      for (const o of store.list(resource, ns)) if (selected(o, fieldSelector, labelSelector)) send('ADDED', served(o, resource, version, false));
    } else {
      for (const e of store.historySince(resource, fromRv, ns)) if (selected(e.object, fieldSelector, labelSelector)) send(e.type, served(e.object, resource, version, false));
    }
    const unsubscribe = store.subscribe((e: StoreEvent) => {
      if (e.resource === resource && (ns === undefined || e.object.metadata.namespace === ns) && selected(e.object, fieldSelector, labelSelector)) {
        send(e.type, served(e.object, resource, version, false));
      }
    });
    const timeout = q['timeoutSeconds'] ? setTimeout(() => w.end(), Number(q['timeoutSeconds']) * 1000) : undefined;
    const w: OpenWatch = {
      res, resource, version, bookmarks: q['allowWatchBookmarks'] === 'true',
      end: () => {
        if (!res.writableEnded) res.end();
      },
    };
    watches.add(w);
    res.on('close', () => {
      clearTimeout(timeout);
      unsubscribe();
      watches.delete(w);
    });
  }

  const listen = (): Promise<void> => new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      port = (server.address() as AddressInfo).port;
      resolve();
    });
  });
  await listen();

  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    store,
    requests,
    kubeconfigYaml: () => `apiVersion: v1
kind: Config
clusters:
- name: emulated
  cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}
users:
- name: tester
  user: {token: emulated-token}
contexts:
- name: emulated
  context: {cluster: emulated, user: tester, namespace: default}
current-context: emulated
`,
    apply: (obj) => store.apply(obj),
    addToken: (token, owner) => writes.addToken(token, owner),
    remove: (kind, ns, name) => store.remove(kind, ns, name),
    openWatches: () => watches.size,
    dropWatches() {
      for (const w of [...watches]) w.res.socket?.destroy();
    },
    expireWatches() {
      for (const w of [...watches]) {
        w.res.write(`${JSON.stringify({ type: 'ERROR', object: gone() })}\n`);
        w.end();
      }
    },
    bookmark() {
      for (const w of watches) {
        if (!w.bookmarks) continue;
        const apiVersion = w.resource.group ? `${w.resource.group}/${w.version}` : w.version;
        w.res.write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: w.resource.kind, apiVersion, metadata: { resourceVersion: String(store.rv()) } } })}\n`);
      }
    },
    failNext(count, code = 500, match = () => true) {
      failures.push({ count, status: code, match });
    },
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
    start: listen,
  };
}

/** Equality terms of a label selector (`a=b,c==d`), the only form the emulated server needs. */
function labelsMatch(o: StoredObject, labelSelector: string | undefined): boolean {
  const labels = (o.metadata['labels'] ?? {}) as Record<string, string>;
  return (labelSelector ?? '').split(',').filter((t) => t !== '').every((term) => {
    const [key, value] = term.split(/==?/, 2);
    return labels[key!.trim()] === value?.trim();
  });
}

function gone(): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version', reason: 'Expired', code: 410 };
}

function json(res: http.ServerResponse, code: number, body: object): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function status(res: http.ServerResponse, code: number, reason: string, message: string): void {
  json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}
