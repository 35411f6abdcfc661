// Fuzz suite (fixed seed, bounded to well under two minutes): random HTTP targets, random and
// truncated gRPC frames, random DiscoveryRequests, random config files, against one real server on
// 127.0.0.1. After every batch the server must still be alive and pass the conformance checks.
import * as fs from 'node:fs';
import * as http2 from 'node:http2';
import * as os from 'node:os';
import * as path from 'node:path';
import { create } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import { discoveryV3, TypeUrl } from '@minipilot/envoy-api';
import { createFileSource } from '@minipilot/config-sources';
import { adsServiceDefinition, createAdsClient } from '@minipilot/xds-server';
import { startDiscoveryServer, type DiscoveryServer } from './discovery-server.js';
import { createLogger } from './logger.js';
import { EMBEDDED_LAB_DIR } from './options.js';
import { createRng, randomConfigFile, randomGrpcFrame, randomRequest, randomTarget, VALID_NODE, type RandomRequest, type Rng } from './testing/fuzz-inputs.js';
import { rawGet } from './testing/raw-http.js';

const SEED = 0x13;
jest.setTimeout(120_000);

describe('fuzz (seed 0x13)', () => {
  let dir: string;
  let server: DiscoveryServer;
  const r = createRng(SEED);
  const labFiles = fs.readdirSync(EMBEDDED_LAB_DIR).filter((f) => f.endsWith('.yaml'));

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minipilot-fuzz-'));
    for (const f of labFiles) fs.copyFileSync(path.join(EMBEDDED_LAB_DIR, f), path.join(dir, f));
    server = await startDiscoveryServer({
      source: createFileSource({ dir, debounceMs: 20, rescanMs: 200 }),
      sourceName: dir,
      grpcAddr: '127.0.0.1:0',
      monitoringAddr: '127.0.0.1:0',
      logger: createLogger('silent'),
      drainDurationMs: 1_000,
    });
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The checks every batch must leave passing: ready, xDS answers and ACKs, debug answers JSON. */
  async function conformance(): Promise<void> {
    expect((await rawGet(server.monitoringPort, '/ready')).status).toBe(200);
    const c = createAdsClient(`127.0.0.1:${server.xdsPort}`, { node: { id: VALID_NODE } });
    try {
      const cds = await c.requestResponseAck(TypeUrl.Cluster, []);
      expect(cds.resources.length).toBeGreaterThan(0);
      const lds = await c.requestResponseAck(TypeUrl.Listener, []);
      expect(lds.resources.length).toBeGreaterThan(0);
    } finally {
      c.close();
    }
    const syncz = await rawGet(server.monitoringPort, '/debug/syncz?limit=5');
    expect(syncz.status).toBe(200);
    expect(Array.isArray(JSON.parse(syncz.body))).toBe(true);
  }

  it('passes the conformance checks before any fuzzing', conformance);

  it('survives 400 random HTTP request targets', async () => {
    for (let i = 0; i < 400; i++) {
      const target = randomTarget(r);
      const res = await rawGet(server.monitoringPort, target);
      expect([200, 400, 404, 414, 503]).toContain(res.status);
    }
    await conformance();
  });

  it('survives 150 streams of random and truncated gRPC frames', async () => {
    for (let batch = 0; batch < 15; batch++) {
      const session = http2.connect(`http://127.0.0.1:${server.xdsPort}`);
      session.on('error', () => {});
      await Promise.all(Array.from({ length: 10 }, () => garbageStream(session, r)));
      session.destroy();
    }
    await conformance();
  });

  it('survives 200 streams of random DiscoveryRequests (nodes, names, type URLs, nonces, huge strings)', async () => {
    for (let i = 0; i < 200; i++) await randomStream(server.xdsPort, r, r.chance(0.5));
    await conformance();
    expect(server.xds.connections()).toEqual([]);
    for (let tries = 0; tries < 100 && server.xds.unfinishedStreams() > 0; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.xds.unfinishedStreams()).toBe(0); // nothing per stream stays referenced
  });

  it('survives 40 random config files, then serves the lab again once they are gone', async () => {
    const valid = labFiles.map((f) => fs.readFileSync(path.join(EMBEDDED_LAB_DIR, f), 'utf8'));
    for (let i = 0; i < 40; i++) {
      fs.writeFileSync(path.join(dir, `zz-fuzz-${i % 8}.yaml`), randomConfigFile(r, valid));
      if (i % 8 === 7) await new Promise((resolve) => setTimeout(resolve, 150));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    await conformance();
    for (let i = 0; i < 8; i++) fs.rmSync(path.join(dir, `zz-fuzz-${i}.yaml`), { force: true });
    const configz = async (): Promise<string> => (await rawGet(server.monitoringPort, '/debug/configz')).body;
    for (let tries = 0; tries < 100 && (await configz()).includes('zz-fuzz-'); tries++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await configz()).not.toContain('zz-fuzz-');
    await conformance();
  });
});

const ADS_PATHS = [
  '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources',
  '/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources',
  '/envoy.service.discovery.v3.AggregatedDiscoveryService/Nope',
];

/** One raw HTTP/2 stream sending random bytes as gRPC frames; resolves when it ends or after 300 ms. */
function garbageStream(session: http2.ClientHttp2Session, r: Rng): Promise<void> {
  return new Promise((resolve) => {
    const stream = session.request({
      ':method': r.pick(['POST', 'POST', 'GET']),
      ':path': r.pick(ADS_PATHS),
      'content-type': r.pick(['application/grpc', 'application/grpc+proto', 'text/plain']),
      te: 'trailers',
      ...(r.chance(0.2) ? { 'grpc-encoding': r.pick(['gzip', 'bogus']) } : {}),
    });
    const done = (): void => {
      clearTimeout(timer);
      stream.destroy();
      resolve();
    };
    const timer = setTimeout(done, 300);
    stream.on('error', done);
    stream.on('close', done);
    stream.on('data', () => {});
    for (let k = 0; k < 1 + r.int(3); k++) stream.write(randomGrpcFrame(r, r.bytes(r.int(3000))));
    if (r.chance(0.5)) stream.end();
  });
}

/** One grpc-js stream sending 1-3 random requests; resolves at its end or after 300 ms. */
function randomStream(port: number, r: Rng, delta: boolean): Promise<void> {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const method = delta ? adsServiceDefinition.DeltaAggregatedResources : adsServiceDefinition.StreamAggregatedResources;
  const call = client.makeBidiStreamRequest(method.path, method.requestSerialize as (v: unknown) => Buffer, method.responseDeserialize as (b: Buffer) => unknown);
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      call.cancel();
      client.close();
      resolve();
    };
    const timer = setTimeout(done, 300);
    call.on('error', done);
    call.on('end', done);
    call.on('data', () => {});
    for (let k = 0; k < 1 + r.int(3); k++) call.write(toRequest(randomRequest(r), delta, k === 0 || r.chance(0.2)));
  });
}

function toRequest(q: RandomRequest, delta: boolean, withNode: boolean): unknown {
  const node = withNode ? { node: { id: q.nodeId, metadata: q.metadata as never } } : {};
  const errorDetail = q.errorMessage !== undefined ? { errorDetail: { code: 3, message: q.errorMessage } } : {};
  return delta
    ? create(discoveryV3.DeltaDiscoveryRequestSchema, { ...node, typeUrl: q.typeUrl, resourceNamesSubscribe: q.names, responseNonce: q.nonce, ...errorDetail })
    : create(discoveryV3.DiscoveryRequestSchema, { ...node, typeUrl: q.typeUrl, resourceNames: q.names, responseNonce: q.nonce, ...errorDetail });
}
