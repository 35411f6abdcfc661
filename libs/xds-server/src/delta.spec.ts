// Delta-only rules over real gRPC: wildcard, initial_resource_versions, stale nonces.
import type { AdsClient } from './ads-client.js';
import { CDS, cla, cluster, EDS, names, RDS, startHarness, world, type Harness } from './testing/harness.js';

describe('ADS delta', () => {
  let h: Harness;
  let c: AdsClient;
  beforeEach(async () => {
    h = await startHarness();
    c = h.connect(true);
  });
  afterEach(() => h.close());

  it('treats an empty first CDS subscribe as wildcard and follows explicit * subscribe/unsubscribe', async () => {
    c.request({ typeUrl: CDS });
    const all = await c.expectResponse(CDS);
    expect(all.resources.map((r) => [r.name, r.version])).toEqual([['a', cluster('a').version], ['b', cluster('b').version]]);
    c.ack(all);
    h.set(world({}, { clusters: ['a', 'b', 'c'] }));
    c.ack(await c.expectResponse(CDS).then((r) => (expect(names(r)).toEqual(['c']), r)));
    // a name subscribed on top of the wildcard is always answered
    c.request({ typeUrl: CDS, subscribe: ['a'] });
    c.ack(await c.expectResponse(CDS).then((r) => (expect(names(r)).toEqual(['a']), r)));
    // unsubscribing a name the wildcard still covers: the server answers with it again
    c.request({ typeUrl: CDS, unsubscribe: ['a'] });
    c.ack(await c.expectResponse(CDS).then((r) => (expect(names(r)).toEqual(['a']), r)));
    c.request({ typeUrl: CDS, unsubscribe: ['*'] });
    await c.expectNoResponse();
    h.set(world({ 'cds:b': 1 }, { clusters: ['a', 'b', 'c'] }));
    await c.expectNoResponse();
    c.request({ typeUrl: CDS, subscribe: ['*'] });
    expect(names(await c.expectResponse(CDS))).toEqual(['a', 'b', 'c']);
  });

  it('does not make a first CDS request with names, or an empty first RDS request, wildcard', async () => {
    expect(names(await c.requestResponseAck(CDS, ['a']))).toEqual(['a']);
    expect(names(await c.requestResponseAck(RDS, []))).toEqual([]);
    h.set(world({ 'rds:r1': 1 }, { clusters: ['a', 'b', 'c'] }));
    await c.expectNoResponse();
  });

  it('skips resources whose initial_resource_versions match and removes the ones that are gone', async () => {
    c.request({ typeUrl: CDS, initialVersions: { a: cluster('a').version, b: 'old', gone: 'x' } });
    const r = await c.expectResponse(CDS);
    expect([names(r), r.removed]).toEqual([['b'], ['gone']]);
    c.ack(r);
    c.request({ typeUrl: EDS, subscribe: ['a', 'b'], initialVersions: { a: cla('a').version, b: cla('b').version } });
    const eds = await c.expectResponse(EDS);
    expect([names(eds), eds.removed]).toEqual([[], []]); // answered (initial request), nothing to send
  });

  it('applies subscription changes from a request with a stale nonce', async () => {
    await c.requestResponseAck(EDS, ['a']);
    c.request({ typeUrl: EDS, subscribe: ['b'], nonce: 'stale' });
    expect(names(await c.expectResponse(EDS))).toEqual(['b']);
  });

  it('answers a re-subscribed name even if the client seems to hold it, and ignores pure unsubscribes', async () => {
    await c.requestResponseAck(EDS, ['a', 'b']);
    c.request({ typeUrl: EDS, unsubscribe: ['b'] });
    await c.expectNoResponse();
    c.request({ typeUrl: EDS, subscribe: ['a'] });
    expect(names(await c.expectResponse(EDS))).toEqual(['a']);
  });
});
