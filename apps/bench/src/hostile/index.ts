import { TypeUrl } from '@minipilot/envoy-api';
import { createStaticSource } from '@minipilot/config-sources';
import { createAdsClient, type AdsClient } from '@minipilot/xds-server';
import { buildMesh } from '../fixtures/mesh.js';
import { loadNode } from '../load/protocol.js';
import { collectGarbage } from '../measure/heap.js';
import { startAppServer } from '../server/app-server.js';

type BenchServer = Awaited<ReturnType<typeof startAppServer>>;
import { grpcFrame, openNonReadingStream } from './raw-streams.js';

/** One memory bound: what was measured, the bound it must stay under, and whether it did. */
export interface HostileRow {
  readonly name: string;
  /** Measured value, in `unit`. */
  readonly value: number;
  readonly limit: number;
  readonly unit: 'MB';
  readonly ok: boolean;
}

const MB = 1024 * 1024;
const BIG = 3_900_000;

/** Heap in use after a full GC when `--expose-gc` is on (npm run bench), else the RSS. */
function settledMemory(): number {
  return collectGarbage() ? process.memoryUsage().heapUsed : process.memoryUsage().rss;
}

function row(name: string, bytes: number, limitMb: number): HostileRow {
  const value = Math.round((bytes / MB) * 10) / 10;
  return { name, value, limit: limitMb, unit: 'MB', ok: value <= limitMb };
}

async function getText(port: number, path: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return res.text();
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A client that never reads, then ACKs 10,000 times with guessed sequential nonces. */
async function slowConsumer(bench: BenchServer): Promise<HostileRow> {
  const before = settledMemory();
  const stream = openNonReadingStream(bench.server.xdsPort);
  stream.write(grpcFrame({ node: loadNode(9000), typeUrl: TypeUrl.Cluster }));
  for (let i = 1; i <= 10_000; i++) {
    stream.write(grpcFrame({ typeUrl: TypeUrl.Cluster, responseNonce: String(i), versionInfo: 'v' }));
    if (i % 500 === 0) await pause(5);
  }
  await pause(500);
  const grown = settledMemory() - before;
  stream.close();
  return row('slow consumer: 10,000 guessed-nonce ACKs, never reading (memory growth)', grown, 64);
}

/** 120 NACKs of 3.9 MB each on one stream: kept cut, so /debug/nackz stays small. */
async function bigNacks(bench: BenchServer): Promise<HostileRow[]> {
  const before = settledMemory();
  const c = createAdsClient(bench.address, { node: loadNode(9001) });
  try {
    const message = 'n'.repeat(BIG);
    const response = await c.requestResponseNack(TypeUrl.Cluster, [], message);
    for (let i = 1; i < 120; i++) {
      c.nack(response, message);
      if (i % 10 === 0) await pause(20);
    }
    await pause(500);
    const grown = settledMemory() - before;
    const nackz = await getText(bench.server.monitoringPort, '/debug/nackz');
    return [row('big NACKs: 120 x 3.9 MB (memory growth)', grown, 32), row('big NACKs: /debug/nackz body', Buffer.byteLength(nackz), 1)];
  } finally {
    c.close();
  }
}

/** 70 streams with 3.9 MB node ids: refused, so nothing of them is kept and /debug/syncz stays small. */
async function bigIds(bench: BenchServer): Promise<HostileRow[]> {
  const before = settledMemory();
  const pad = 'p'.repeat(BIG);
  for (let i = 0; i < 70; i++) {
    // Each client is closed before the next, so what stays is what the server kept.
    const c: AdsClient = createAdsClient(bench.address, { node: { id: `sidecar~10.0.0.1~${pad}-${i}.default~default.svc.cluster.local` } });
    c.request({ typeUrl: TypeUrl.Cluster });
    await c.expectError(10_000).catch(() => undefined);
    c.close();
  }
  await pause(200);
  const grown = settledMemory() - before;
  const syncz = await getText(bench.server.monitoringPort, '/debug/syncz');
  return [row('big node ids: 70 x 3.9 MB (memory growth)', grown, 16), row('big node ids: /debug/syncz body', Buffer.byteLength(syncz), 1)];
}

/**
 * Memory bounds under hostile clients, against the real server on loopback (mesh-200, static
 * source): a client that never reads but ACKs guessed nonces, big NACKs, big node ids. Each row
 * says what was measured, its bound and whether it held. Heap numbers need `--expose-gc` (the bench
 * has it); without it the RSS is measured, which is noisier.
 */
export async function measureHostileBounds(): Promise<HostileRow[]> {
  const bench = await startAppServer(createStaticSource({ objects: buildMesh(200).objects }));
  try {
    return [await slowConsumer(bench), ...(await bigNacks(bench)), ...(await bigIds(bench))];
  } finally {
    await bench.stop();
  }
}
