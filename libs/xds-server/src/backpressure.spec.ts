import * as http2 from 'node:http2';
import { create, toBinary } from '@bufbuild/protobuf';
import { discoveryV3 } from '@minipilot/envoy-api';
import { createResource } from './snapshot.js';
import { CDS, EDS, startHarness, waitFor, type Harness } from './testing/harness.js';

const MiB = 1024 * 1024;
/** A world of one 3 MiB cluster and its 3 MiB load assignment (the bytes are opaque to the server). */
/**
 * A client that never reads: a raw HTTP/2 stream carrying gRPC-framed DiscoveryRequests for CDS and
 * EDS, paused from the start, so flow control stops the server's writes after the first window.
 */
function nonReadingClient(address: string): http2.ClientHttp2Session {
  const session = http2.connect(`http://${address}`);
  const stream = session.request({ ':method': 'POST', ':path': '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources', 'content-type': 'application/grpc', te: 'trailers' });
  stream.pause();
  const frame = (typeUrl: string, names: string[], withNode: boolean): Buffer => {
    const body = toBinary(discoveryV3.DiscoveryRequestSchema, create(discoveryV3.DiscoveryRequestSchema, { typeUrl, resourceNames: names, ...(withNode ? { node: { id: 'sidecar~10.0.0.9~slow.ns~ns.svc.cluster.local' } } : {}) }));
    const head = Buffer.alloc(5);
    head.writeUInt32BE(body.length, 1);
    return Buffer.concat([head, Buffer.from(body)]);
  };
  stream.write(frame(CDS, [], true));
  stream.write(frame(EDS, ['c'], false));
  stream.on('error', () => {});
  session.on('error', () => {});
  return session;
}

const big = () => ({ [CDS]: [createResource('c', new Uint8Array(3 * MiB).fill(1))], [EDS]: [createResource('c', new Uint8Array(3 * MiB).fill(2))] });

describe('write backpressure', () => {
  let h: Harness;
  const afterCleanup: (() => void)[] = [];
  afterEach(async () => {
    for (const f of afterCleanup.splice(0)) f();
    await h.close();
  });

  it('holds further responses of a stream whose client stops reading, and closes it once it is stuck', async () => {
    h = await startHarness(big(), { maxStreamPendingBytes: MiB, stuckStreamTimeoutMs: 400 });
    const session = nonReadingClient(h.address);
    afterCleanup.push(() => session.destroy());
    await waitFor(() => h.events.some((e) => e.kind === 'send' && e.typeUrl === CDS));
    // The 3 MiB CDS response cannot be written out (the client reads nothing), so EDS is held.
    await new Promise((r) => setTimeout(r, 150));
    expect(h.xds.pendingBytes()).toBeGreaterThan(MiB);
    expect(h.xds.pendingBytes()).toBeLessThanOrEqual(3 * MiB);
    expect(h.events.some((e) => e.kind === 'send' && e.typeUrl === EDS)).toBe(false);
    await waitFor(() => h.events.some((e) => e.kind === 'stuck'), 3000);
    await waitFor(() => h.xds.connections().length === 0, 3000);
    expect(h.xds.pendingBytes()).toBe(0);
  });

  it('lets a reading client receive everything: held responses go out as writes complete', async () => {
    h = await startHarness(big(), { maxStreamPendingBytes: MiB, maxPendingBytes: 2 * MiB });
    const client = h.connect(false);
    const cds = await client.requestResponseAck(CDS);
    const eds = await client.requestResponseAck(EDS, ['c']);
    expect(cds.resources).toHaveLength(1);
    expect(eds.resources).toHaveLength(1);
    await waitFor(() => h.xds.pendingBytes() === 0);
  });

  it('refuses new streams with UNAVAILABLE while admit sheds load, and says why', async () => {
    let shedding = true;
    h = await startHarness(big(), { admit: () => (shedding ? 'heap above 85% of its limit' : undefined) });
    const refused = h.connect(true);
    refused.request({ typeUrl: CDS });
    const status = await refused.expectError();
    expect(status.details).toContain('shedding load: heap above 85% of its limit');
    expect(h.events.some((e) => e.kind === 'refused')).toBe(true);
    shedding = false;
    const served = h.connect(true);
    expect((await served.requestResponseAck(CDS)).resources).toHaveLength(1);
  });
});
