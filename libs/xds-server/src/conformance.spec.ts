// The xDS conformance suite (research notes §5), run for both SotW and delta over real gRPC.
import type { AdsClient } from './ads-client.js';
import { createSnapshot } from './snapshot.js';
import { CDS, cla, EDS, LDS, names, RDS, startHarness, waitFor, world, type Harness } from './testing/harness.js';

describe.each([
  { flavour: 'SotW', delta: false },
  { flavour: 'delta', delta: true },
])('ADS conformance ($flavour)', ({ delta }) => {
  let h: Harness;
  let c: AdsClient;
  const debugLines: { obj: object; msg: string }[] = [];
  const logger = { debug: (obj: object, msg: string) => { debugLines.push({ obj, msg }); }, info: () => {}, warn: () => {}, error: () => {} };
  beforeEach(async () => {
    debugLines.length = 0;
    h = await startHarness(undefined, { logger });
    c = h.connect(delta);
  });
  afterEach(() => h.close());

  /** Moves a type's subscription from `prev` to `next`: SotW sends the whole list, delta the difference. */
  function resubscribe(typeUrl: string, prev: string[], next: string[]): void {
    if (!delta) return c.request({ typeUrl, names: next });
    c.request({ typeUrl, subscribe: next.filter((n) => !prev.includes(n)), unsubscribe: prev.filter((n) => !next.includes(n)) });
  }

  it('answers the first request of each type with exactly one response, versioned by content', async () => {
    const cds = await c.requestResponseAck(CDS, []);
    const eds = await c.requestResponseAck(EDS, ['a', 'b']);
    const lds = await c.requestResponseAck(LDS, []);
    const rds = await c.requestResponseAck(RDS, ['r1']);
    expect([names(cds), names(eds), names(lds), names(rds)]).toEqual([['a', 'b'], ['a', 'b'], ['l1', 'l2'], ['r1']]);
    const expected = createSnapshot(world());
    expect([cds, eds, lds, rds].map((r) => r.version)).toEqual([CDS, EDS, LDS, RDS].map((t) => expected.version(t)));
    expect(new Set([cds, eds, lds, rds].map((r) => r.nonce)).size).toBe(4);
    await c.expectNoResponse();
  });

  it('does not answer an ACK, nor a repeated ACK', async () => {
    const r = await c.requestResponseAck(EDS, ['a']);
    await c.expectNoResponse();
    c.ack(r);
    await c.expectNoResponse();
  });

  it('ignores a request with a stale nonce that changes nothing', async () => {
    await c.requestResponseAck(EDS, ['a']);
    c.request({ typeUrl: EDS, nonce: 'not-a-nonce-we-sent', ...(delta ? {} : { names: ['a'] }) });
    await c.expectNoResponse();
  });

  it('after a NACK sends nothing until the content changes, then exactly one response', async () => {
    const nacked = await c.requestResponseNack(EDS, ['a'], 'bad endpoints');
    await c.expectNoResponse();
    h.set(world()); // a new snapshot with the same content
    await c.expectNoResponse();
    h.set(world({ 'eds:a': 1 }));
    const next = await c.expectResponse(EDS);
    expect(names(next)).toEqual(['a']);
    expect(next.version).not.toBe(nacked.version);
    await c.expectNoResponse();
  });

  it('sends only the added name for EDS and the set for CDS (delta: only the added name) when a request adds one', async () => {
    await c.requestResponseAck(EDS, ['a']);
    resubscribe(EDS, ['a'], ['a', 'b']);
    expect(names(await c.expectResponse(EDS))).toEqual(['b']);
    await c.requestResponseAck(CDS, ['a']);
    resubscribe(CDS, ['a'], ['a', 'b']);
    expect(names(await c.expectResponse(CDS))).toEqual(delta ? ['b'] : ['a', 'b']);
    await c.expectNoResponse();
  });

  it('resends a name that was removed and added again, unchanged', async () => {
    c.ack(await c.requestResponseAck(EDS, ['a', 'b']));
    resubscribe(EDS, ['a', 'b'], ['a']);
    await c.expectNoResponse();
    resubscribe(EDS, ['a'], ['a', 'b']);
    c.ack(await c.expectResponse(EDS).then((r) => (expect(names(r)).toEqual(['b']), r)));
    await c.requestResponseAck(CDS, ['a', 'b']);
    resubscribe(CDS, ['a', 'b'], ['a']);
    if (!delta) c.ack(await c.expectResponse(CDS).then((r) => (expect(names(r)).toEqual(['a']), r)));
    await c.expectNoResponse();
    resubscribe(CDS, ['a'], ['a', 'b']);
    expect(names(await c.expectResponse(CDS))).toEqual(delta ? ['b'] : ['a', 'b']);
  });

  it('remembers a requested name that does not exist and pushes it when it appears', async () => {
    const first = await c.requestResponseAck(EDS, ['a', 'zz']);
    expect(names(first)).toEqual(['a']);
    expect(first.removed).toEqual(delta ? ['zz'] : []);
    h.set(world({}, { clusters: ['a', 'b', 'zz'] }));
    const pushed = await c.expectResponse(EDS);
    expect(names(pushed)).toEqual(['zz']);
    await c.expectNoResponse();
  });

  it('deletes an LDS/CDS resource by omission (delta: removed_resources)', async () => {
    await c.requestResponseAck(CDS, []);
    h.set(world({}, { clusters: ['a'] }));
    const r = await c.expectResponse(CDS);
    expect(names(r)).toEqual(delta ? [] : ['a']);
    expect(r.removed).toEqual(delta ? ['b'] : []);
  });

  it('resends the ClusterLoadAssignment of a changed Cluster in the same push, after it', async () => {
    await c.requestResponseAck(CDS, []);
    await c.requestResponseAck(EDS, ['a', 'b']);
    h.set(world({ 'cds:a': 1 }));
    expect(names(await c.expectResponse(CDS))).toEqual(delta ? ['a'] : ['a', 'b']);
    expect(names(await c.expectResponse(EDS))).toEqual(['a']);
    await c.expectNoResponse();
  });

  it('pushes a change of every type in the order CDS, EDS, LDS, RDS', async () => {
    await c.requestResponseAck(RDS, ['r1', 'r2']);
    await c.requestResponseAck(LDS, []);
    await c.requestResponseAck(EDS, ['a', 'b']);
    await c.requestResponseAck(CDS, []);
    h.set(world({ 'rds:r2': 1, 'lds:l1': 1, 'eds:b': 1, 'cds:b': 1 }));
    for (const typeUrl of [CDS, EDS, LDS, RDS]) c.ack(await c.expectResponse(typeUrl));
    await c.expectNoResponse();
  });

  it('keeps at most one un-ACKed response per type and sends the latest state on the ACK', async () => {
    await c.requestResponseAck(CDS, []);
    c.request(delta ? { typeUrl: EDS, subscribe: ['a'] } : { typeUrl: EDS, names: ['a'] });
    const unacked = await c.expectResponse(EDS);
    h.set(world({ 'eds:a': 1 }));
    h.set(world({ 'eds:a': 2, 'cds:b': 1 }));
    c.ack(await c.expectResponse(CDS)); // other types are not held back
    await c.expectNoResponse();
    c.ack(unacked);
    const latest = await c.expectResponse(EDS);
    expect(latest.version).toBe(createSnapshot(world({ 'eds:a': 2, 'cds:b': 1 })).version(EDS));
    expect(latest.resources[0]?.value).toEqual(cla('a', 2).value);
    await c.expectNoResponse();
  });

  it('releases the in-flight slot on a NACK too', async () => {
    c.request(delta ? { typeUrl: EDS, subscribe: ['a'] } : { typeUrl: EDS, names: ['a'] });
    const unacked = await c.expectResponse(EDS);
    h.set(world({ 'eds:a': 1 }));
    await c.expectNoResponse();
    c.nack(unacked, 'rejected');
    expect(names(await c.expectResponse(EDS))).toEqual(['a']);
  });

  it('changes a type version if and only if its content changes', async () => {
    const original = await c.requestResponseAck(CDS, []);
    h.set(world({ 'eds:a': 3 })); // other type only
    await c.expectNoResponse();
    const changed = await (h.set(world({ 'cds:b': 1 })), c.expectResponse(CDS));
    c.ack(changed);
    expect(changed.version).not.toBe(original.version);
    const back = await (h.set(world()), c.expectResponse(CDS));
    expect(back.version).toBe(original.version);
  });

  it('answers an unknown type URL once with an empty response and keeps serving', async () => {
    const ecds = await c.requestResponseAck('type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig', ['x']);
    expect([ecds.resources, ecds.removed, ecds.version]).toEqual([[], [], '']);
    expect(debugLines).toContainEqual({ obj: expect.objectContaining({ typeUrl: 'type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig' }), msg: 'xds: type URL not served here: answered with an empty response' });
    const debug = await c.requestResponseAck('istio.io/debug/syncz', []);
    expect(debug.resources).toEqual([]);
    h.set(world({ 'cds:a': 1 }));
    await c.expectNoResponse();
    expect(names(await c.requestResponseAck(CDS, []))).toEqual(['a', 'b']);
  });

  it('records a NACK in nacks(), connections() and events, and clears it on a later ACK', async () => {
    const r = await c.requestResponseNack(CDS, ['a'], 'cluster a: bad lb_policy');
    await waitFor(() => h.xds.nacks().length === 1);
    const [record] = h.xds.nacks();
    expect(record).toMatchObject({ typeUrl: CDS, nonce: r.nonce, message: 'cluster a: bad lb_policy', nodeId: 'sidecar~10.0.0.1~pod.ns~ns.svc.cluster.local' });
    const status = () => h.xds.connections()[0]?.types.find((t) => t.typeUrl === CDS);
    expect(status()).toMatchObject({ subscribed: ['a'], sentNonce: r.nonce, nacked: { nonce: r.nonce, message: 'cluster a: bad lb_policy' } });
    expect(h.events.filter((e) => e.kind === 'nack')).toHaveLength(1);
    h.set(world({ 'cds:a': 1 }));
    const fixed = await c.expectResponse(CDS);
    c.ack(fixed);
    await waitFor(() => status()?.ackedVersion === fixed.version);
    expect(status()).toMatchObject({ ackedVersion: fixed.version, sentVersion: fixed.version });
    expect(status()?.nacked).toBeUndefined();
  });
});
