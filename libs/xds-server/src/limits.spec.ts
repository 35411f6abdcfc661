// What a hostile client can make the server hold: every cap over real gRPC, plus the pure helpers.
import * as grpc from '@grpc/grpc-js';
import { createAdmission } from './admission.js';
import { DEFAULT_XDS_LIMITS, truncate } from './limits.js';
import { CDS, EDS, startHarness, waitFor, type Harness } from './testing/harness.js';

describe('xds limits', () => {
  let h: Harness;
  afterEach(() => h?.close());

  it('truncate keeps short text and marks what it cut', () => {
    expect(truncate('abc', 5)).toBe('abc');
    expect(truncate('abcdefgh', 3)).toBe('abc… [truncated, 5 more characters]');
  });

  it.each([false, true])('refuses a node id over the limit with INVALID_ARGUMENT and emits a limit event (delta: %s)', async (delta) => {
    h = await startHarness();
    const c = h.connect(delta, `sidecar~10.0.0.1~${'x'.repeat(DEFAULT_XDS_LIMITS.maxNodeIdLength)}~d`);
    c.request({ typeUrl: CDS });
    const status = await c.expectError();
    expect(status.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(status.details).toMatch(/node id is \d+ characters, more than the limit of 2048/);
    expect(h.events).toContainEqual(expect.objectContaining({ kind: 'limit', limit: 'node_id_length' }));
    expect(h.xds.connections()).toEqual([]);
  });

  it('refuses node metadata over the limit', async () => {
    h = await startHarness(undefined, { limits: { maxNodeMetadataLength: 1000 } });
    const { createAdsClient } = await import('./ads-client.js');
    const c = createAdsClient(h.address, { node: { id: 'big-meta', metadata: { LABELS: { a: 'v'.repeat(2000) } } } });
    c.request({ typeUrl: CDS });
    const status = await c.expectError();
    expect([status.code, status.details]).toEqual([grpc.status.INVALID_ARGUMENT, 'node metadata is larger than the limit of 1000 characters']);
    c.close();
  });

  it.each([false, true])('keeps NACK messages cut to the limit in the log, the status and the event (delta: %s)', async (delta) => {
    h = await startHarness(undefined, { limits: { maxNackMessageLength: 100 } });
    const c = h.connect(delta);
    await c.requestResponseNack(CDS, [], 'e'.repeat(1_000_000));
    await waitFor(() => h.xds.nacks().length === 1);
    const [record] = h.xds.nacks();
    expect(record?.message).toBe(`${'e'.repeat(100)}… [truncated, 999900 more characters]`);
    expect(h.xds.connections()[0]?.types[0]?.nacked?.message).toBe(record?.message);
    expect(h.events.find((e) => e.kind === 'nack')).toMatchObject({ message: record?.message });
  });

  it.each([false, true])('uses unguessable nonces, so a guessed nonce is stale (delta: %s)', async (delta) => {
    h = await startHarness();
    const c = h.connect(delta);
    c.request({ typeUrl: CDS });
    const first = await c.expectResponse(CDS);
    expect(first.nonce).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    c.request({ typeUrl: CDS, nonce: '1', names: [] });
    await c.expectNoResponse(200);
    expect(h.events.some((e) => e.kind === 'ack')).toBe(false);
  });

  it.each([false, true])('ends a stream that asks for more distinct type URLs than the limit with RESOURCE_EXHAUSTED (delta: %s)', async (delta) => {
    h = await startHarness(undefined, { limits: { maxTypeUrlsPerStream: 3 } });
    const c = h.connect(delta);
    await c.requestResponseAck(CDS, []);
    for (let i = 0; i < 3; i++) c.request({ typeUrl: `type.googleapis.com/x.Fake${i}`, names: ['a'], subscribe: ['a'] });
    const status = await c.expectError();
    expect(status.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(status.details).toMatch(/more than 3 distinct type URLs \(the last: type.googleapis.com\/x.Fake2\)/);
    expect(h.events).toContainEqual(expect.objectContaining({ kind: 'limit', limit: 'type_urls_per_stream' }));
  });

  it.each([false, true])('ends a stream naming more resources per request than the limit (delta: %s)', async (delta) => {
    h = await startHarness(undefined, { limits: { maxResourceNamesPerRequest: 10 } });
    const c = h.connect(delta);
    const many = Array.from({ length: 11 }, (_, i) => `n${i}`);
    c.request({ typeUrl: EDS, names: many, subscribe: many });
    const status = await c.expectError();
    expect([status.code, status.details]).toEqual([grpc.status.RESOURCE_EXHAUSTED, `request for ${EDS} names 11 resources, more than the limit of 10`]);
  });

  it('caps what a delta subscription accumulates across requests', async () => {
    h = await startHarness(undefined, { limits: { maxSubscribedNamesPerType: 5 } });
    const c = h.connect(true);
    await c.requestResponseAck(EDS, ['a']);
    c.request({ typeUrl: EDS, subscribe: ['n1', 'n2', 'n3', 'n4', 'n5'] });
    expect((await c.expectError()).details).toBe(`stream subscribes to 6 resources of ${EDS}, more than the limit of 5`);
  });

  it('refuses streams past the per-connection cap with RESOURCE_EXHAUSTED and frees the count on close', async () => {
    h = await startHarness(undefined, { admission: { maxStreamsPerConnection: 1 } });
    const first = h.connect(false);
    await first.requestResponseAck(CDS, []);
    const second = h.connect(false); // grpc-js shares one connection per target
    second.request({ typeUrl: CDS });
    const status = await second.expectError();
    expect([status.code, status.details]).toEqual([grpc.status.RESOURCE_EXHAUSTED, 'too many concurrent ADS streams on this connection (limit 1)']);
    first.close();
    await waitFor(() => h.xds.unfinishedStreams() === 0);
    await h.connect(false).requestResponseAck(CDS, []);
  });

  it('admission: the token bucket admits a burst, makes the next wait, refuses past the wait', async () => {
    let t = 0;
    const a = createAdmission({ maxStreamsPerConnection: 10, maxNewStreamsPerSecond: 2, maxWaitMs: 600 }, () => t);
    expect((await a.admit('p')).admitted).toBe(true);
    expect((await a.admit('p')).admitted).toBe(true);
    const waiting = a.admit('p'); // reserves the token due in 500 ms
    expect(await a.admit('p')).toMatchObject({ admitted: false, limit: 'new_streams_per_second' });
    expect((await waiting).admitted).toBe(true);
    t = 10_000;
    expect((await a.admit('q')).admitted).toBe(true);
    expect([a.openOn('p'), a.openOn('q')]).toEqual([3, 1]);
  });
});
