// SotW-only rules over real gRPC: wildcard sequences, stale nonces, reconnects, NACKs with a new version.
import type { AdsClient } from './ads-client.js';
import { createSnapshot } from './snapshot.js';
import { CDS, EDS, names, startHarness, waitFor, world, type Harness } from './testing/harness.js';

describe('ADS SotW', () => {
  let h: Harness;
  let c: AdsClient;
  beforeEach(async () => {
    h = await startHarness();
    c = h.connect(false);
  });
  afterEach(() => h.close());

  /** Requests CDS `list`, ACKs and returns the response names. */
  async function cds(list: string[]): Promise<string[]> {
    c.request({ typeUrl: CDS, names: list });
    const r = await c.expectResponse(CDS);
    c.ack(r);
    return names(r);
  }

  it('follows the spec wildcard sequence [] -> ["*","a"] -> ["a"] -> []', async () => {
    expect(await cds([])).toEqual(['a', 'b']); // legacy wildcard
    h.set(world({}, { clusters: ['a', 'b', 'c'] }));
    const pushed = await c.expectResponse(CDS);
    c.ack(pushed);
    expect(names(pushed)).toEqual(['a', 'b', 'c']);
    expect(await cds(['*', 'a'])).toEqual(['a', 'b', 'c']); // wildcard plus a
    expect(await cds(['a'])).toEqual(['a']); // drops the wildcard
    expect(await cds([])).toEqual([]); // names were sent before: [] now means none
    h.set(world({ 'cds:a': 1 }, { clusters: ['a', 'b', 'c', 'd'] }));
    await c.expectNoResponse();
  });

  it('ends legacy wildcard when ["*"] is sent, so a later [] means none', async () => {
    expect(await cds([])).toEqual(['a', 'b']);
    c.request({ typeUrl: CDS, names: ['*'] });
    await c.expectNoResponse(); // same subscription
    expect(await cds([])).toEqual([]);
  });

  it('never treats an empty EDS list as wildcard', async () => {
    const first = await c.requestResponseAck(EDS, []);
    expect(names(first)).toEqual([]);
    h.set(world({ 'eds:a': 1 }));
    await c.expectNoResponse();
  });

  it('ignores a stale nonce even when it changes names, then serves the names on a current request', async () => {
    await c.requestResponseAck(EDS, ['a']);
    c.request({ typeUrl: EDS, names: ['a', 'b'], nonce: 'stale' });
    await c.expectNoResponse();
    c.request({ typeUrl: EDS, names: ['a', 'b'] });
    expect(names(await c.expectResponse(EDS))).toEqual(['b']);
  });

  it('answers a reconnecting client that reports an old version, and one that reports the current one', async () => {
    const old = await c.requestResponseAck(EDS, ['a', 'b']);
    c.close();
    const current = h.set(world({ 'eds:a': 1 }));
    const again = h.connect(false);
    again.request({ typeUrl: EDS, names: ['a', 'b'], version: old.version, nonce: old.nonce });
    const r = await again.expectResponse(EDS);
    expect([names(r), r.version]).toEqual([['a', 'b'], current.version(EDS)]);
    const third = h.connect(false);
    third.request({ typeUrl: EDS, names: ['a', 'b'], version: current.version(EDS) });
    expect(names(await third.expectResponse(EDS))).toEqual(['a', 'b']);
  });

  it('takes error_detail alone as a NACK, even when the request reports the new version', async () => {
    c.request({ typeUrl: CDS, names: ['a'] });
    const r = await c.expectResponse(CDS);
    c.request({ typeUrl: CDS, names: ['a'], version: r.version, nonce: r.nonce, errorMessage: 'partly invalid' });
    await waitFor(() => h.xds.nacks().length === 1);
    await c.expectNoResponse();
    expect(h.xds.nacks()).toMatchObject([{ version: r.version, nonce: r.nonce, message: 'partly invalid' }]);
    expect(r.version).toBe(createSnapshot(world()).version(CDS));
  });

  it('sends a full CDS response when a name is removed', async () => {
    await c.requestResponseAck(CDS, ['a', 'b']);
    c.request({ typeUrl: CDS, names: ['b'] });
    expect(names(await c.expectResponse(CDS))).toEqual(['b']);
  });
});
