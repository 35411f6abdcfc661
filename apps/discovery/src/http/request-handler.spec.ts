// The monitoring/debug HTTP layer under hostile requests: real HTTP on 127.0.0.1:0, raw sockets for
// targets fetch would normalise.
import { HttpError } from './http-error.js';
import { jsonChunks } from './json-stream.js';
import { startMonitoringServer, type HttpListener } from './monitoring-server.js';
import type { Handler } from './request-handler.js';
import { rawGet } from '../testing/raw-http.js';

function recordingLogger(): { lines: string[]; warn(o: object, m: string): void; error(o: object, m: string): void } {
  const lines: string[] = [];
  return { lines, warn: (_o, m) => lines.push(`warn ${m}`), error: (_o, m) => lines.push(`error ${m}`) };
}

/** One shared 1 MB string: the test process holds 1 MB, the response is 600 MB. */
const MB = 'x'.repeat(1_000_000);
/** V8's longest string (2^29 - 24 characters): JSON.stringify of a body past it throws. */
const V8_MAX_STRING = 2 ** 29 - 24;

describe('monitoring HTTP server', () => {
  let l: HttpListener;
  const logger = recordingLogger();
  const routes = new Map<string, Handler>([
    ['/ready', () => ({ status: 200, body: 'ready\n', contentType: 'text/plain' })],
    ['/debug/list', () => ({ '/ready': 'readiness' })],
    ['/debug/throws', () => { throw new TypeError('boom'); }],
    ['/debug/rejects', () => Promise.reject(new Error('async boom'))],
    ['/debug/unavailable', () => { throw new HttpError(503, 'config not loaded yet'); }],
    ['/debug/items', () => ({ items: Array.from({ length: 10 }, (_, i) => ({ i })), total: 10 })],
    ['/debug/list-body', () => Array.from({ length: 5 }, (_, i) => i)],
    ['/debug/unserializable', () => ({ fine: [1, 2], bad: { n: 10n } })],
    ['/debug/unserializable-late', () => ({ fine: Array.from({ length: 20_000 }, (_, i) => i), bad: { n: 10n } })],
    ['/debug/huge', () => Array.from({ length: 600 }, (_, i) => ({ i, id: MB }))],
  ]);
  beforeAll(async () => {
    l = await startMonitoringServer('127.0.0.1:0', routes, { logger });
  });
  afterAll(() => l.forceClose());

  it.each(['//', '///', '//[', '//%', '//@', '//:99999', '/%', '/..', '/debug/%zz?x=%zz', '/\u00ff'])('answers %j without crashing (400 or 404)', async (target) => {
    const r = await rawGet(l.port, target);
    expect([400, 404]).toContain(r.status);
    expect((await rawGet(l.port, '/ready')).status).toBe(200);
  });

  it('answers a target that is not a path with 400', async () => {
    expect((await rawGet(l.port, 'http://evil/ready')).status).toBe(400);
    expect((await rawGet(l.port, '*')).status).toBe(400);
  });

  it('answers a handler exception with 500 and logs it, sync or async', async () => {
    const sync = await rawGet(l.port, '/debug/throws');
    expect([sync.status, JSON.parse(sync.body)]).toEqual([500, { error: 'boom' }]);
    expect((await rawGet(l.port, '/debug/rejects')).status).toBe(500);
    expect(logger.lines.filter((x) => x === 'error HTTP handler failed')).toHaveLength(2);
  });

  it('answers an HttpError with its status', async () => {
    const r = await rawGet(l.port, '/debug/unavailable');
    expect([r.status, JSON.parse(r.body)]).toEqual([503, { error: 'config not loaded yet' }]);
  });

  it('paginates lists with ?limit=&offset= and rejects bad values with 400', async () => {
    const page = JSON.parse((await rawGet(l.port, '/debug/items?offset=2&limit=3')).body) as { items: { i: number }[]; total: number };
    expect(page).toEqual({ items: [{ i: 2 }, { i: 3 }, { i: 4 }], total: 10 });
    expect(JSON.parse((await rawGet(l.port, '/debug/list-body?offset=3')).body)).toEqual([3, 4]);
    expect((await rawGet(l.port, '/debug/items?limit=-1')).status).toBe(400);
    expect((await rawGet(l.port, '/debug/items?limit=abc')).status).toBe(400);
  });

  it('answers 500 when a body fails to serialise before anything was sent', async () => {
    const r = await rawGet(l.port, '/debug/unserializable');
    expect(r.status).toBe(500);
    expect(r.body).toMatch(/BigInt/);
  });

  it('destroys the connection instead of writing a second header when serialisation fails mid-body', async () => {
    const r = await rawGet(l.port, '/debug/unserializable-late');
    expect(r.head).toMatch(/^HTTP\/1\.1 200/);
    expect(r.body).not.toMatch(/"error"/);
    expect(logger.lines).toContain('warn debug response failed after its headers were sent; connection closed');
    expect((await rawGet(l.port, '/ready')).status).toBe(200);
  });

  it('streams a body longer than V8 allows one string to be (600 MB of JSON)', async () => {
    const r = await rawGet(l.port, '/debug/huge?limit=2');
    expect((JSON.parse(r.body) as unknown[]).length).toBe(2);
    const full = await fetch(`http://127.0.0.1:${l.port}/debug/huge`);
    let bytes = 0;
    for await (const chunk of full.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
    expect(bytes).toBeGreaterThan(V8_MAX_STRING);
  }, 60_000);

  it('writes JSON byte-identical to JSON.stringify(value, null, 2)', () => {
    const value = { a: [1, { b: [], c: {}, d: 'x\ny', u: undefined, f: () => 1 }, undefined], e: null, n: { deep: { deeper: { deepest: [1, [2]] } } }, date: new Date(0), m: new Map() };
    expect([...jsonChunks(value)].join('')).toBe(JSON.stringify(value, null, 2));
    expect([...jsonChunks([])].join('')).toBe('[]');
    expect([...jsonChunks('s')].join('')).toBe('"s"');
  });
});

describe('monitoring HTTP server with a debug token', () => {
  let l: HttpListener;
  beforeAll(async () => {
    l = await startMonitoringServer('127.0.0.1:0', new Map<string, Handler>([
      ['/ready', () => ({ status: 200, body: 'ready\n', contentType: 'text/plain' })],
      ['/debug/list', () => ({})],
    ]), { token: 's3cret' });
  });
  afterAll(() => l.forceClose());

  it('asks for the bearer token on /debug/* only', async () => {
    expect((await rawGet(l.port, '/ready')).status).toBe(200);
    expect((await rawGet(l.port, '/debug/list')).status).toBe(401);
    expect((await rawGet(l.port, '/debug/list', { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await rawGet(l.port, '/debug/list', { authorization: 'Bearer s3cret' })).status).toBe(200);
  });
});
