// Stream lifecycle over real gRPC: readiness, node handling, rejection, cleanup, status and events.
import { create } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import { discoveryV3 } from '@minipilot/envoy-api';
import { adsServiceDefinition } from './ads-service.js';
import { CDS, EDS, names, startHarness, waitFor, type Harness } from './testing/harness.js';

describe('createXdsServer streams', () => {
  let h: Harness;
  afterEach(() => h.close());

  it.each([false, true])('refuses streams with UNAVAILABLE until ready (delta: %s)', async (delta) => {
    let ready = false;
    h = await startHarness(undefined, { isReady: () => ready });
    const refused = h.connect(delta);
    refused.request({ typeUrl: CDS });
    const status = await refused.expectError();
    expect(status.code).toBe(grpc.status.UNAVAILABLE);
    expect(status.details).toMatch(/not ready/);
    ready = true;
    expect(names(await h.connect(delta).requestResponseAck(CDS, []))).toEqual(['a', 'b']);
  });

  it.each([false, true])('ends the stream with INVALID_ARGUMENT when the source rejects the node (delta: %s)', async (delta) => {
    h = await startHarness();
    const c = h.connect(delta, 'reject');
    c.request({ typeUrl: CDS });
    const status = await c.expectError();
    expect([status.code, status.details]).toEqual([grpc.status.INVALID_ARGUMENT, 'unknown proxy: reject']);
    expect(h.xds.connections()).toEqual([]);
  });

  it('ends a stream whose first request carries no node with INVALID_ARGUMENT', async () => {
    h = await startHarness();
    const method = adsServiceDefinition.StreamAggregatedResources;
    const client = new grpc.Client(h.address, grpc.credentials.createInsecure());
    const call = client.makeBidiStreamRequest(method.path, method.requestSerialize, method.responseDeserialize);
    const status = new Promise<grpc.ServiceError>((resolve) => call.on('error', resolve));
    call.write(create(discoveryV3.DiscoveryRequestSchema, { typeUrl: CDS }));
    expect(await status).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: 'the first request of an ADS stream must carry node' });
    client.close();
  });

  it('takes the node from the first request only and keeps it for later requests', async () => {
    h = await startHarness();
    const c = h.connect(false, 'router~10.0.0.9~gw.istio-system~istio-system.svc.cluster.local');
    await c.requestResponseAck(CDS, []);
    await c.requestResponseAck(EDS, ['a']); // this request carries no node
    const [conn] = h.xds.connections();
    expect(conn).toMatchObject({ nodeId: 'router~10.0.0.9~gw.istio-system~istio-system.svc.cluster.local', delta: false });
    expect(conn?.types.map((t) => [t.typeUrl, t.subscribed])).toEqual([[CDS, '*'], [EDS, ['a']]]);
    expect(h.events.filter((e) => e.kind === 'request' || e.kind === 'send').every((e) => e.nodeId === conn?.nodeId)).toBe(true);
  });

  it('stops the watch and forgets the stream when the client goes away', async () => {
    h = await startHarness();
    const c = h.connect(true);
    await c.requestResponseAck(CDS, []);
    expect([h.watches(), h.xds.connections().length]).toEqual([1, 1]);
    await waitFor(() => h.events.some((e) => e.kind === 'ack'));
    c.close();
    await waitFor(() => h.watches() === 0);
    expect(h.xds.connections()).toEqual([]);
    // ('written' events, one per completed write, interleave with the client's requests.)
    expect(h.events.filter((e) => e.kind !== 'written').map((e) => e.kind)).toEqual(['connect', 'request', 'send', 'ack', 'disconnect']);
  });

  it('closeAll ends every stream with UNAVAILABLE', async () => {
    h = await startHarness();
    const sotw = h.connect(false);
    const delta = h.connect(true);
    await sotw.requestResponseAck(CDS, []);
    await delta.requestResponseAck(CDS, []);
    h.xds.closeAll();
    expect((await sotw.expectError()).code).toBe(grpc.status.UNAVAILABLE);
    expect((await delta.expectError()).code).toBe(grpc.status.UNAVAILABLE);
    expect([h.watches(), h.xds.connections()]).toEqual([0, []]);
  });

  it('emits send events with names, versions, nonces and sizes', async () => {
    h = await startHarness();
    const r = await h.connect(true).requestResponseAck(EDS, ['a', 'missing']);
    const send = h.events.find((e) => e.kind === 'send');
    expect(send).toMatchObject({ typeUrl: EDS, names: ['a'], removed: ['missing'], nonce: r.nonce, version: r.version, delta: true });
    expect(send?.kind === 'send' && send.bytes).toBe(r.resources[0]?.value.length);
  });

  it('keeps only the last maxNackRecords NACKs', async () => {
    h = await startHarness(undefined, { maxNackRecords: 2 });
    const c = h.connect(false);
    for (const name of ['a', 'b', 'a']) {
      await c.requestResponseNack(EDS, [name], `bad ${name}`);
    }
    await waitFor(() => h.events.filter((e) => e.kind === 'nack').length === 3);
    expect(h.xds.nacks().map((n) => n.message)).toEqual(['bad b', 'bad a']);
  });
});
