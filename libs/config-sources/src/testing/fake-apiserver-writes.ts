import type * as http from 'node:http';
import type { FakeResource, FakeStore, StoredObject } from './fake-apiserver-store.js';

// Writes for the emulated API server, for what istiod's CA and webhook controllers do: GET one
// object, POST (create, 409 if it exists), PUT (replace), PATCH (JSON Patch or merge patch), DELETE,
// and POST of a TokenReview answered from a table of known tokens. Kept apart from list and watch.

/** Who a bearer token belongs to, for TokenReview. */
export interface FakeTokenOwner {
  /** e.g. `system:serviceaccount:default:bookinfo-productpage`. */
  readonly username: string;
  /** The audiences the token was issued for (a projected token's `audience`). */
  readonly audiences: readonly string[];
}

/** The write side of the emulated API server. */
export interface FakeWrites {
  /** Handles the request if it is a write, a single-object GET or a TokenReview; returns false otherwise. */
  handle(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): boolean;
  addToken(token: string, owner: FakeTokenOwner): void;
}

interface Target {
  readonly resource: FakeResource;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
}

/** Creates the write handler over `store`. */
export function createFakeWrites(store: FakeStore): FakeWrites {
  const tokens = new Map<string, FakeTokenOwner>();

  function target(pathname: string): Target | undefined {
    const core = /^\/api\/v1(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(pathname);
    const grouped = /^\/apis\/([^/]+)\/([^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(pathname);
    const [group, ns, plural, name] = core ? ['', core[1], core[2]!, core[3]] : grouped ? [grouped[1]!, grouped[3], grouped[4]!, grouped[5]] : [];
    if (plural === undefined || group === undefined) return undefined;
    const resource = store.resourceFor(group, plural);
    return resource ? { resource, namespace: ns, name } : undefined;
  }

  const find = (t: Target, name: string): StoredObject | undefined =>
    store.list(t.resource, t.resource.namespaced ? t.namespace : undefined).find((o) => o.metadata.name === name);

  function review(body: Record<string, unknown>): object {
    const spec = (body['spec'] ?? {}) as { token?: string; audiences?: string[] };
    const owner = spec.token ? tokens.get(spec.token) : undefined;
    const wanted = spec.audiences ?? [];
    const base = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', metadata: { creationTimestamp: null }, spec };
    if (!owner) return { ...base, status: { authenticated: false, error: '[invalid bearer token, service account token has been invalidated]', user: {} } };
    const audiences = wanted.length === 0 ? [...owner.audiences] : wanted.filter((a) => owner.audiences.includes(a));
    if (audiences.length === 0) {
      return { ...base, status: { authenticated: false, error: `[invalid bearer token, token audiences ${JSON.stringify(owner.audiences)} is invalid for the target audiences ${JSON.stringify(wanted)}]`, user: {} } };
    }
    const [, , ns] = owner.username.split(':');
    return { ...base, status: { authenticated: true, audiences, user: { username: owner.username, groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'] } } };
  }

  function write(method: string, t: Target, body: unknown, contentType: string, res: http.ServerResponse): void {
    const kind = t.resource.kind;
    const ns = t.namespace ?? '';
    const existing = t.name ? find(t, t.name) : undefined;
    const notFound = (): void => status(res, 404, 'NotFound', `${t.resource.plural} "${t.name}" not found`);
    if (method === 'GET') return existing ? json(res, 200, existing) : notFound();
    if (method === 'DELETE') {
      if (!existing) return notFound();
      store.remove(kind, ns, t.name!);
      return json(res, 200, existing);
    }
    const obj = body as Record<string, unknown>;
    if (method === 'POST') {
      const name = (obj['metadata'] as { name?: string } | undefined)?.name;
      if (!name) return status(res, 422, 'Invalid', `${kind}: metadata.name: Required value`);
      if (find(t, name)) return status(res, 409, 'AlreadyExists', `${t.resource.plural} "${name}" already exists`);
      return json(res, 201, store.apply(withNamespace(obj, kind, t)));
    }
    if (!existing) return notFound();
    if (method === 'PUT') return json(res, 200, store.apply(withNamespace(obj, kind, t)));
    if (method === 'PATCH') {
      const patched = contentType.includes('json-patch') || Array.isArray(body) ? jsonPatch(existing, body as JsonPatchOp[]) : mergePatch(existing, body);
      return json(res, 200, store.apply(patched as Record<string, unknown>));
    }
    return status(res, 405, 'MethodNotAllowed', `${method} is not supported by the emulated API server`);
  }

  return {
    addToken: (token, owner) => void tokens.set(token, owner),
    handle(req, res, pathname) {
      const method = req.method ?? 'GET';
      const isReview = pathname === '/apis/authentication.k8s.io/v1/tokenreviews';
      const t = isReview ? undefined : target(pathname);
      if (!isReview && (!t || (method === 'GET' && !t.name))) return false;
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (text += chunk));
      req.on('end', () => {
        let body: unknown;
        try {
          body = text === '' ? {} : JSON.parse(text);
        } catch {
          return status(res, 400, 'BadRequest', 'the request body is not JSON');
        }
        if (isReview) return method === 'POST' ? json(res, 201, review(body as Record<string, unknown>)) : status(res, 405, 'MethodNotAllowed', 'tokenreviews are create-only');
        return write(method, t!, body, String(req.headers['content-type'] ?? ''), res);
      });
      return true;
    },
  };
}

function withNamespace(obj: Record<string, unknown>, kind: string, t: Target): Record<string, unknown> {
  const metadata = { ...(obj['metadata'] as Record<string, unknown>), ...(t.resource.namespaced && t.namespace ? { namespace: t.namespace } : {}) };
  return { ...obj, kind, metadata };
}

interface JsonPatchOp {
  readonly op: 'add' | 'replace' | 'remove' | 'test';
  readonly path: string;
  readonly value?: unknown;
}

/** RFC 6902 add/replace/remove/test on a copy (what client-node's patch calls send). */
function jsonPatch(doc: unknown, ops: readonly JsonPatchOp[]): unknown {
  const root = structuredClone(doc) as Record<string, unknown>;
  for (const op of ops) {
    const keys = op.path.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop()!;
    let parent: Record<string, unknown> | unknown[] = root;
    for (const k of keys) parent = (parent as Record<string, unknown>)[k] as Record<string, unknown>;
    if (Array.isArray(parent)) {
      const i = last === '-' ? parent.length : Number(last);
      if (op.op === 'add') parent.splice(i, 0, op.value);
      else if (op.op === 'replace') parent[i] = op.value;
      else if (op.op === 'remove') parent.splice(i, 1);
    } else if (op.op === 'add' || op.op === 'replace') parent[last] = op.value;
    else if (op.op === 'remove') delete parent[last];
  }
  return root;
}

/** RFC 7386 merge patch (also used for strategic-merge bodies that only set fields). */
function mergePatch(doc: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? { ...(doc as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function json(res: http.ServerResponse, code: number, body: object): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function status(res: http.ServerResponse, code: number, reason: string, message: string): void {
  json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}
