// The discovery server under hostile clients and slow sources, with real parts on 127.0.0.1:0:
// monitoring before the first load, the debug listener and token, node checks, NACK caps, and a
// shutdown that drains, then forces what is stuck.
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { create, toBinary } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import { discoveryV3, TypeUrl } from '@minipilot/envoy-api';
import { createFileSource, type ConfigSource, type ConfigSourceUpdate } from '@minipilot/config-sources';
import { createAdsClient } from '@minipilot/xds-server';
import { startDiscoveryServer, type DiscoveryOptions, type DiscoveryServer } from './discovery-server.js';
import { createLogger } from './logger.js';
import { EMBEDDED_LAB_DIR } from './options.js';
import { halfSentRequest, rawGet } from './testing/raw-http.js';

const NODE = 'sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local';
const logger = createLogger('error');

/** The lab directory, whose first load waits until `release()`. */
function gatedLabSource(): { source: ConfigSource; release(): void } {
  const inner = createFileSource({ dir: EMBEDDED_LAB_DIR, rescanMs: 0 });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => { release = resolve; });
  return {
    release,
    source: { ...inner, start: async (): Promise<ConfigSourceUpdate> => { await gate; return inner.start(); } },
  };
}

function options(extra: Partial<DiscoveryOptions> = {}): DiscoveryOptions {
  return { source: createFileSource({ dir: EMBEDDED_LAB_DIR, rescanMs: 0 }), sourceName: 'lab', grpcAddr: '127.0.0.1:0', monitoringAddr: '127.0.0.1:0', logger, drainDurationMs: 2_000, ...extra };
}

describe('discovery server reliability', () => {
  let server: DiscoveryServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('opens the monitoring port before the config loads: /ready and debug answer 503, /metrics 200', async () => {
    const gated = gatedLabSource();
    let port = 0;
    const starting = startDiscoveryServer(options({ source: gated.source, onHttpListening: (p) => { port = p.monitoring; } }));
    await waitUntil(() => port !== 0);
    const ready = await rawGet(port, '/ready');
    expect([ready.status, ready.body]).toEqual([503, 'not ready: config not loaded yet\n']);
    expect((await rawGet(port, '/debug/syncz')).status).toBe(503);
    expect((await rawGet(port, '/debug/configz')).status).toBe(503);
    expect((await rawGet(port, '/metrics')).status).toBe(200);
    gated.release();
    server = await starting;
    expect((await rawGet(port, '/ready')).status).toBe(200);
    expect((await rawGet(port, '/debug/syncz')).status).toBe(200);
  });

  it('--debug-addr moves /debug/* to its own listener behind the token; /ready and /metrics stay', async () => {
    server = await startDiscoveryServer(options({ debugAddr: '127.0.0.1:0', debugToken: 't0ken' }));
    const mon = server.monitoringPort;
    const dbg = server.debugPort!;
    expect((await rawGet(mon, '/ready')).status).toBe(200);
    expect((await rawGet(mon, '/metrics')).status).toBe(200);
    expect((await rawGet(mon, '/debug/syncz', { authorization: 'Bearer t0ken' })).status).toBe(404);
    expect((await rawGet(dbg, '/ready')).status).toBe(404);
    expect((await rawGet(dbg, '/debug/syncz')).status).toBe(401);
    expect((await rawGet(dbg, '/debug/syncz', { authorization: 'Bearer t0ken' })).status).toBe(200);
  });

  it.each(['sidecar~~~', 'sidecar~pod-name~a.default~default.svc.cluster.local'])('refuses node id %j as istiod does', async (id) => {
    server = await startDiscoveryServer(options());
    const c = createAdsClient(`127.0.0.1:${server.xdsPort}`, { node: { id } });
    c.request({ typeUrl: TypeUrl.Cluster });
    const status = await c.expectError();
    expect(status.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(status.details).toMatch(/^no valid IP address in the service node id or metadata/);
    c.close();
  });

  it('counts transport limits in minipilot_xds_limit_hits: an oversized request, a connection at its stream limit, a ping flood', async () => {
    server = await startDiscoveryServer(options({ grpcLimits: { maxReceiveMessageBytes: 4096, maxConcurrentStreams: 1, keepaliveMinTimeMs: 60_000 } }));
    const big = createAdsClient(`127.0.0.1:${server.xdsPort}`, { node: { id: NODE } });
    big.request({ typeUrl: TypeUrl.Cluster, names: ['x'.repeat(8192)] });
    expect((await big.expectError()).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    big.close();
    const flood = http2.connect(`http://127.0.0.1:${server.xdsPort}`);
    const goaway = new Promise<number>((resolve) => flood.once('goaway', (code) => resolve(code)));
    flood.on('error', () => undefined);
    await new Promise<void>((resolve) => flood.once('connect', () => resolve()));
    for (let i = 0; i < 6 && !flood.destroyed; i++) await new Promise<void>((resolve) => flood.ping(() => resolve()));
    expect(await goaway).toBe(http2.constants.NGHTTP2_ENHANCE_YOUR_CALM);
    flood.destroy();
    const metric = async (limit: string): Promise<number> => {
      const text = (await rawGet(server!.monitoringPort, '/metrics')).body;
      return Number(new RegExp(`^minipilot_xds_limit_hits\\{limit="${limit}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    };
    expect(await metric('max_receive_message_size')).toBe(1);
    expect(await metric('keepalive_pings')).toBe(1);
    // Every stream reaches the limit of 1 on its connection.
    expect(await metric('max_concurrent_streams')).toBeGreaterThanOrEqual(1);
  });

  it('keeps NACK messages cut, so /debug/nackz stays small after a 3 MB NACK', async () => {
    server = await startDiscoveryServer(options());
    const c = createAdsClient(`127.0.0.1:${server.xdsPort}`, { node: { id: NODE } });
    const huge = 'n'.repeat(3_000_000);
    await c.requestResponseNack(TypeUrl.Cluster, [], huge);
    await waitUntil(() => server!.xds.nacks().length === 1);
    const body = (await rawGet(server.monitoringPort, '/debug/nackz')).body;
    expect(body.length).toBeLessThan(10_000);
    expect(body).toMatch(/truncated, 2995904 more characters/);
    c.close();
  });

  it('on stop, drains, then forces a non-reading xDS client, a half-sent HTTP request and an HTTP/2 client ignoring GOAWAY', async () => {
    server = await startDiscoveryServer(options({ drainDurationMs: 500 }));
    const stuck = await nonReadingAdsStream(server.xdsPort);
    await waitUntil(() => server!.xds.connections().length === 1);
    const half = await halfSentRequest(server.monitoringPort);
    const ignoring = await goawayIgnoringSession(server.xdsPort);
    const report = await server.shutdown();
    server = undefined;
    expect(report).toMatchObject({ forcedStreams: 1, forcedHttp: 1 });
    expect(report.drainMs).toBeGreaterThanOrEqual(500);
    for (const s of [half, ignoring]) s.destroy();
    stuck.close();
  });

  it('stops at once when every client goes away', async () => {
    server = await startDiscoveryServer(options({ drainDurationMs: 30_000 }));
    const c = createAdsClient(`127.0.0.1:${server.xdsPort}`, { node: { id: NODE } });
    await c.requestResponseAck(TypeUrl.Cluster, []);
    const report = await server.shutdown();
    server = undefined;
    expect(report).toMatchObject({ forcedStreams: 0, forcedHttp: 0 });
    c.close();
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** An ADS stream over raw HTTP/2 with a zero receive window: the server can never send it a byte of data. */
function nonReadingAdsStream(port: number): Promise<http2.ClientHttp2Session> {
  const session = http2.connect(`http://127.0.0.1:${port}`, { settings: { initialWindowSize: 0 } });
  session.on('error', () => {});
  const stream = session.request({
    ':method': 'POST',
    ':path': '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources',
    'content-type': 'application/grpc',
    te: 'trailers',
  });
  stream.on('error', () => {});
  const msg = toBinary(discoveryV3.DiscoveryRequestSchema, create(discoveryV3.DiscoveryRequestSchema, { node: { id: NODE }, typeUrl: TypeUrl.Cluster }));
  const frame = Buffer.alloc(5 + msg.length);
  frame.writeUInt32BE(msg.length, 1);
  frame.set(msg, 5);
  stream.write(frame);
  return Promise.resolve(session);
}

/** A raw TCP client that speaks the HTTP/2 preface and SETTINGS, then ignores everything (GOAWAY included). */
function goawayIgnoringSession(port: number): Promise<net.Socket> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]));
      resolve(socket);
    });
    socket.on('error', () => {});
    socket.pause();
  });
}
