// The HTTP/2 transport limits over real gRPC on 127.0.0.1: the size grpc-js refuses, the streams a
// connection may hold, and the client ping rate, each reported to onLimit as the metric counts it.
import * as http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { CDS, startHarness, waitFor, type Harness } from './testing/harness.js';
import type { TransportLimitName } from './transport-guard.js';

describe('transport guard', () => {
  let h: Harness | undefined;
  let raw: http2.ClientHttp2Session | undefined;
  afterEach(async () => {
    raw?.destroy();
    raw = undefined;
    await h?.close();
    h = undefined;
  });

  const start = async (limits: Parameters<typeof startHarness>[2]) => {
    const hits: { limit: TransportLimitName; peer: string }[] = [];
    h = await startHarness(undefined, {}, { ...limits, onLimit: (limit, peer) => hits.push({ limit, peer }) });
    return hits;
  };

  it('reports a request larger than the receive limit, which grpc-js ends with RESOURCE_EXHAUSTED', async () => {
    const hits = await start({ maxReceiveMessageBytes: 2048 });
    const c = h!.connect(false);
    c.request({ typeUrl: CDS, names: ['x'.repeat(4096)] });
    const status = await c.expectError();
    expect(status.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(status.details).toMatch(/larger than max/);
    await waitFor(() => hits.length > 0);
    expect(hits).toEqual([{ limit: 'max_receive_message_size', peer: expect.stringMatching(/^127\.0\.0\.1:\d+$/) }]);
  });

  it('does not report a request under the limit, nor a RESOURCE_EXHAUSTED of the xDS server itself', async () => {
    const hits = await start({ maxReceiveMessageBytes: 64 * 1024 });
    const ok = h!.connect(false);
    await ok.requestResponseAck(CDS);
    const big = h!.connect(false, `sidecar~10.0.0.1~${'x'.repeat(5000)}~d`); // node id limit: the xDS server refuses
    big.request({ typeUrl: CDS });
    expect((await big.expectError()).code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(hits).toEqual([]);
  });

  it('advertises max concurrent streams: the client queues the extra stream and the server reports the connection at its limit', async () => {
    const hits = await start({ maxConcurrentStreams: 2 });
    // AdsClients to one address share grpc-js's subchannel, hence one HTTP/2 connection.
    const clients = [h!.connect(false), h!.connect(false), h!.connect(false)];
    clients.forEach((c) => c.request({ typeUrl: CDS }));
    await clients[0]!.expectResponse(CDS);
    await clients[1]!.expectResponse(CDS);
    await clients[2]!.expectNoResponse(300);
    expect(h!.xds.streamCount()).toBe(2);
    expect(hits.map((x) => x.limit)).toEqual(['max_concurrent_streams']);
    clients[0]!.close();
    await clients[2]!.expectResponse(CDS); // its turn once a stream closed
  });

  const connectRaw = async (address: string): Promise<http2.ClientHttp2Session> => {
    const session = http2.connect(`http://${address}`);
    await new Promise<void>((resolve, reject) => session.once('connect', () => resolve()).once('error', reject));
    return session;
  };
  const ping = (s: http2.ClientHttp2Session): Promise<void> => new Promise((resolve) => s.ping(() => resolve()));

  it('closes a connection that pings too often with GOAWAY ENHANCE_YOUR_CALM too_many_pings (grpc-go: more than 2 strikes)', async () => {
    const hits = await start({ keepaliveMinTimeMs: 10_000 });
    raw = await connectRaw(h!.address);
    const goaway = new Promise<{ code: number; data: string }>((resolve) => raw!.once('goaway', (code, _last, data) => resolve({ code, data: data?.toString() ?? '' })));
    for (let i = 0; i < 6 && !raw.closed && !raw.destroyed; i++) await ping(raw);
    expect(await goaway).toEqual({ code: http2.constants.NGHTTP2_ENHANCE_YOUR_CALM, data: 'too_many_pings' });
    expect(hits.map((x) => x.limit)).toEqual(['keepalive_pings']);
  });

  it('tolerates pings spaced by the minimum time while a stream is open', async () => {
    const hits = await start({ keepaliveMinTimeMs: 150 });
    raw = await connectRaw(h!.address);
    const stream = raw.request({ ':method': 'POST', ':path': '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources', 'content-type': 'application/grpc' });
    stream.on('data', () => undefined);
    let goaway = false;
    raw.on('goaway', () => {
      goaway = true;
    });
    for (let i = 0; i < 5; i++) {
      await ping(raw);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(goaway).toBe(false);
    expect(raw.closed).toBe(false);
    expect(hits).toEqual([]);
    stream.close();
  });

  it('ping enforcement can be turned off', async () => {
    const hits = await start({ keepaliveMinTimeMs: 0 });
    raw = await connectRaw(h!.address);
    for (let i = 0; i < 6; i++) await ping(raw);
    expect(raw.closed).toBe(false);
    expect(hits).toEqual([]);
  });
});
