import { TypeUrl } from '@minipilot/envoy-api';
import { createStaticSource } from '@minipilot/config-sources';
import { createAdsClient, type AdsClient } from '@minipilot/xds-server';
import type { MeshFixture } from '../fixtures/mesh.js';
import { startBenchServer } from '../server/bench-server.js';
import { loadNode } from './protocol.js';
import { quantile } from '../measure/stats.js';

/** Sharing: how many snapshots the server builds for a group of identical proxies. */
export interface SharingGroup {
  /** `sidecar` (own IP each) or `router` (gateway replicas). */
  readonly proxyType: 'sidecar' | 'router';
  readonly proxies: number;
  /** Distinct views the server holds (from /debug/adsz). */
  readonly views: number;
  /** View generations (generateResources + encode) while they connected. */
  readonly generations: number;
  readonly generationsPerView: number;
  /** The server's median time per view generation (generate, acceptance check, encode; ms). */
  readonly generationMedianMs: number;
  /** Time until every proxy had its first CDS response ACKed (ms). */
  readonly connectMs: number;
}

/**
 * Starts the real server on `fixture` with a static source and connects `proxies` clients in the
 * same namespace with identical labels (metadata LABELS), each ACKing wildcard CDS; returns how many
 * views were built and how often each was generated. Run for sidecars and for gateway replicas.
 */
export async function measureSharing(fixture: MeshFixture, proxyType: 'sidecar' | 'router', proxies: number, timeoutMs: number): Promise<SharingGroup> {
  const bench = await startBenchServer(createStaticSource({ objects: fixture.objects }));
  const clients: AdsClient[] = [];
  try {
    const before = bench.generations();
    const start = performance.now();
    for (let i = 0; i < proxies; i++) {
      clients.push(createAdsClient(bench.address, { node: loadNode(i, proxyType) }));
    }
    await Promise.all(clients.map(async (c) => c.ack(await firstResponse(c, timeoutMs))));
    const connectMs = performance.now() - start;
    const generations = bench.generations() - before;
    const views = bench.views();
    return {
      proxyType, proxies, views, generations, generationsPerView: views === 0 ? Number.NaN : generations / views,
      generationMedianMs: quantile(bench.generationMs(), 0.5), connectMs,
    };
  } finally {
    for (const c of clients) c.close();
    await bench.stop();
  }
}

function firstResponse(c: AdsClient, timeoutMs: number) {
  c.request({ typeUrl: TypeUrl.Cluster, names: ['*'] });
  return c.expectResponse(TypeUrl.Cluster, timeoutMs);
}
