import { monitorEventLoopDelay } from 'node:perf_hooks';
import { typeShortName, type TypeUrl } from '@minipilot/envoy-api';
import type { XdsEvent } from '@minipilot/xds-server';
import { parseManifest, virtualServiceManifest, type MeshFixture } from '../fixtures/mesh.js';
import { createMutableSource } from '../server/mutable-source.js';
import { startBenchServer } from '../server/bench-server.js';
import { settledRss } from '../measure/heap.js';
import { summarize, type Summary } from '../measure/stats.js';
import type { WorkerHandle } from './worker-handle.js';
import { nowMs } from './load-client.js';

/** G3/G4/G6-lite: one loopback run of C clients against the real server. */
export interface LoopbackResult {
  readonly mesh: number;
  readonly clients: number;
  readonly mode: 'sotw' | 'delta';
  /** G6: from the first client's creation until the last one had ACKed CDS, EDS, LDS and RDS. */
  readonly stormMs: number;
  /** Per client: ms from its creation until all four types were ACKed. */
  readonly readyMs: Summary;
  readonly failedClients: number;
  /** The first failure, when some clients never became ready. */
  readonly firstError?: string;
  /** G4: server RSS (MiB) before the clients connected and after all were ready, and the slope. */
  readonly rss: { readonly beforeMiB: number; readonly afterMiB: number; readonly perClientKiB: number };
  /** Views (distinct snapshots) and view generations while connecting and for the one change. */
  readonly views: number;
  readonly generations: { readonly connect: number; readonly change: number };
  /** The server's time per view generation (generate, acceptance check, encode), all in this run (ms). */
  readonly generationMs: Summary;
  /** True when the clients shared one workload IP (one view); false: one view per client. */
  readonly sharedIp: boolean;
  /** G3: the store write (one VirtualService) until each client received its RouteConfiguration update. */
  readonly change: {
    /** Server side: push context, regenerating what changed and handing every affected stream its snapshot (ms). */
    readonly serverMs: number;
    readonly latencyMs: Summary;
    readonly clientsUpdated: number;
    /** Encoded resource bytes the server sent per client for the change (all types). */
    readonly bytesPerClient: Summary;
    /** Total bytes sent for the change, by type. */
    readonly bytesByType: Readonly<Record<string, number>>;
  };
  /** Event-loop delay of the server process during the storm and the push (ms). */
  readonly eventLoopDelayMs: { readonly p99: number; readonly max: number };
}

/** Limits of one loopback run. */
export interface LoopbackOptions {
  readonly clients: number;
  readonly delta: boolean;
  /** Clients present one workload IP (see `loadNode`). */
  readonly sharedIp: boolean;
  readonly connectTimeoutMs: number;
  readonly changeTimeoutMs: number;
}

/**
 * Starts the discovery server in this process on `fixture`, has the load `worker` (another process:
 * in the server's own process clients would share its event loop and heap) connect `clients` ADS
 * clients at once, then changes VirtualService `svc-0` through the source and measures
 * when each client receives the new route configuration. Everything stays on 127.0.0.1.
 */
export async function runLoopback(fixture: MeshFixture, worker: WorkerHandle, o: LoopbackOptions): Promise<LoopbackResult> {
  const source = createMutableSource(fixture.objects);
  let phase: 'connect' | 'change' = 'connect';
  const bytesByStream = new Map<string, number>();
  const bytesByType: Record<string, number> = {};
  const onEvent = (e: XdsEvent): void => {
    if (phase !== 'change' || e.kind !== 'send') return;
    bytesByStream.set(e.streamId, (bytesByStream.get(e.streamId) ?? 0) + e.bytes);
    const type = typeShortName[e.typeUrl as TypeUrl] ?? e.typeUrl;
    bytesByType[type] = (bytesByType[type] ?? 0) + e.bytes;
  };
  const bench = await startBenchServer(source, onEvent);
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  try {
    const rssBefore = settledRss();
    const genBefore = bench.generations();
    loopDelay.enable();
    const connected = await worker.request({ cmd: 'connect', address: bench.address, clients: o.clients, delta: o.delta, sharedIp: o.sharedIp, timeoutMs: o.connectTimeoutMs }, 'connected', o.connectTimeoutMs + 10_000);
    loopDelay.disable();
    const rssAfter = settledRss();
    const genConnect = bench.generations() - genBefore;
    const views = bench.views();

    await worker.request({ cmd: 'arm' }, 'armed', 10_000);
    phase = 'change';
    loopDelay.enable();
    const changed = parseManifest(virtualServiceManifest(0, 7));
    const t0 = nowMs();
    source.replace(changed);
    await bench.settled();
    const serverMs = nowMs() - t0;
    const genChange = bench.generations() - genBefore - genConnect;
    const { perClient } = await worker.request({ cmd: 'collect', timeoutMs: o.changeTimeoutMs }, 'updates', o.changeTimeoutMs + 10_000);
    loopDelay.disable();
    const latencies = perClient.flatMap((u) => {
      const rds = u.find((x) => x.typeUrl.endsWith('RouteConfiguration'));
      return rds ? [rds.at - t0] : [];
    });
    const mib = (b: number): number => Math.round((b / 1048576) * 10) / 10;
    return {
      mesh: fixture.size,
      clients: o.clients,
      mode: o.delta ? 'delta' : 'sotw',
      stormMs: connected.lastReadyAt - connected.startedAt,
      readyMs: summarize(connected.readyMs),
      failedClients: connected.failed,
      ...(connected.firstError !== undefined ? { firstError: connected.firstError } : {}),
      rss: { beforeMiB: mib(rssBefore), afterMiB: mib(rssAfter), perClientKiB: Math.round((rssAfter - rssBefore) / 1024 / o.clients) },
      views,
      generations: { connect: genConnect, change: genChange },
      generationMs: summarize(bench.generationMs()),
      sharedIp: o.sharedIp,
      change: {
        serverMs,
        latencyMs: summarize(latencies),
        clientsUpdated: latencies.length,
        bytesPerClient: summarize([...bytesByStream.values()]),
        bytesByType,
      },
      eventLoopDelayMs: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
    };
  } finally {
    await worker.request({ cmd: 'release' }, 'released', 10_000).catch(() => undefined);
    await bench.stop();
  }
}
