import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createPushPipeline } from '@minipilot/push';
import { buildPushContext } from '@minipilot/translation';
import { createConfigSnapshot, configKey, type ConfigObject } from '@minipilot/config';
import type { XdsEvent, XdsSnapshot, NodeInit } from '@minipilot/xds-server';
import { create } from '@bufbuild/protobuf';
import { coreV3 } from '@minipilot/envoy-api';
import { buildDistinctMesh, distinctNode, distinctVirtualService, DISTINCT_NAMESPACES, type DistinctMesh } from '../fixtures/distinct-mesh.js';
import { parseManifest } from '../fixtures/mesh.js';
import { createMutableSource } from '../server/mutable-source.js';
import { startBenchServer, startRawServer } from '../server/bench-server.js';
import { settledRss, collectGarbage } from '../measure/heap.js';
import { summarize, type Summary } from '../measure/stats.js';
import type { WorkerHandle } from './worker-handle.js';
import { nowMs } from './load-client.js';

/** One distinct-workload run (issue 9's scenario), each figure beside its limit from the same run. */
export interface DistinctResult {
  readonly mesh: number;
  readonly clients: number;
  readonly mode: 'sotw' | 'delta';
  /** From the first connect until all four types were ACKed: per client, and the last (ms). */
  readonly allAcked: { readonly perClient: Summary; readonly allMs: number; readonly limitAllMs: number; readonly failed: number; readonly firstError?: string };
  /** Edit of one VirtualService (exported to its namespace only) until each proxy of that namespace had its new routes (ms). */
  readonly edit: { readonly latency: Summary; readonly limit: Summary; readonly updated: number; readonly expected: number; readonly cpuMs: number };
  /** Encoded bytes sent for the edit to proxies that cannot see the VirtualService (goal 0), and per affected proxy. */
  readonly bytesToUnaffected: number;
  readonly bytesPerAffected: Summary;
  /**
   * Server RSS before the clients and after all were ready (RSS keeps its high-water mark, so
   * `perProxyKiB` = growth / M includes the shared parts and transient write buffers), and the
   * per-proxy slope of the heap retained: heap in use after a GC with all M proxies connected, minus
   * the same with half of them closed, per closed proxy.
   */
  readonly rss: { readonly beforeMiB: number; readonly afterMiB: number; readonly perProxyKiB: number; readonly heapSlopeKiB: number };
  readonly eventLoopP99Ms: number;
  /** Shared parts the server built (scopes: outbound config; workloads: inbound config) and cached resources. */
  readonly parts: { readonly scopes: number; readonly workloads: number; readonly cacheEntries: number };
}

/** Limits of a distinct run. */
export interface DistinctOptions {
  readonly mesh: number;
  readonly clients: number;
  readonly delta: boolean;
  readonly connectTimeoutMs: number;
  readonly changeTimeoutMs: number;
}

const EDITED = 0; // svc-0 in ns-0

/**
 * Runs the issue-9 scenario: M distinct workloads (own IP, own labels, namespaces round-robin) on a
 * mesh of N services, through the push pipeline and xDS server in this process, clients in the
 * forked worker; then the same against a raw server that writes one pre-encoded snapshot of the same
 * size to as many streams with no generation at all (the limit).
 */
export async function runDistinct(worker: WorkerHandle, o: DistinctOptions, fixture: DistinctMesh = buildDistinctMesh(o.mesh)): Promise<DistinctResult> {
  const nodes = Array.from({ length: o.clients }, (_, c) => distinctNode(c, o.mesh));
  const affected = nodes.flatMap((n, i) => ((n.id ?? '').includes(`.ns-${EDITED % DISTINCT_NAMESPACES}~`) ? [i] : []));
  const edited = parseManifest(distinctVirtualService(EDITED, 20));

  const mib = (b: number): number => Math.round((b / 1048576) * 10) / 10;
  // The real pipeline.
  collectGarbage();
  const source = createMutableSource(fixture.objects);
  let phase: 'connect' | 'edit' = 'connect';
  const affectedIds = new Set(affected.map((i) => nodes[i]!.id ?? ''));
  let bytesToUnaffected = 0;
  const bytesByAffected = new Map<string, number>();
  const onEvent = (e: XdsEvent): void => {
    if (phase !== 'edit' || e.kind !== 'send') return;
    if (affectedIds.has(e.nodeId)) bytesByAffected.set(e.nodeId, (bytesByAffected.get(e.nodeId) ?? 0) + e.bytes);
    else bytesToUnaffected += e.bytes;
  };
  const bench = await startBenchServer(source, onEvent);
  const loop = monitorEventLoopDelay({ resolution: 5 });
  let real: { connected: Awaited<ReturnType<typeof connect>>; rssBefore: number; rssAfter: number; latency: number[]; cpuMs: number; parts: DistinctResult['parts']; heapSlopeKiB: number };
  try {
    const rssBefore = settledRss();
    loop.enable();
    const connected = await connect(worker, bench.address, nodes, o);
    const rssAfter = settledRss();
    const mu = process.memoryUsage();
    if (process.env['BENCH_DEBUG_MEM']) process.stdout.write(`  memory after connect: rss ${mib(mu.rss)} heapUsed ${mib(mu.heapUsed)} heapTotal ${mib(mu.heapTotal)} external ${mib(mu.external)} arrayBuffers ${mib(mu.arrayBuffers)} MiB, pending ${bench.xds.pendingBytes()}\n`);
    await worker.request({ cmd: 'arm' }, 'armed', 10_000);
    phase = 'edit';
    const cpu0 = process.cpuUsage();
    const t0 = nowMs();
    source.replace(edited);
    const { perClient } = await worker.request({ cmd: 'collect', timeoutMs: o.changeTimeoutMs, expect: affected, quietMs: 500 }, 'updates', o.changeTimeoutMs + 10_000);
    const cpu = process.cpuUsage(cpu0);
    loop.disable();
    const stats = bench.pipeline.stats();
    collectGarbage();
    const heapAll = process.memoryUsage().heapUsed;
    const half = Math.floor(o.clients / 2);
    await worker.request({ cmd: 'release', count: half }, 'released', 30_000);
    await waitUntil(() => bench.xds.streamCount() <= o.clients - half, 10_000);
    collectGarbage();
    const heapSlopeKiB = half > 0 ? Math.round((heapAll - process.memoryUsage().heapUsed) / 1024 / half) : 0;
    real = {
      connected, rssBefore, rssAfter, cpuMs: (cpu.user + cpu.system) / 1000,
      latency: affected.flatMap((i) => perClient[i]!.filter((u) => u.typeUrl.endsWith('RouteConfiguration')).slice(0, 1).map((u) => u.at - t0)),
      parts: { scopes: stats.scopes, workloads: stats.workloads, cacheEntries: stats.cache.size },
      heapSlopeKiB,
    };
  } finally {
    await worker.request({ cmd: 'release' }, 'released', 10_000).catch(() => undefined);
    await bench.stop();
  }

  // The limit: the same engine writing one fixed snapshot (client 0's, before and after the edit).
  const before = snapshotFor(fixture.objects, nodes[0]!);
  const after = snapshotFor(fixture.objects.map((x) => (configKey(x) === configKey(edited) ? edited : x)), nodes[0]!);
  collectGarbage();
  const raw = await startRawServer(before);
  let limitAll: Awaited<ReturnType<typeof connect>>;
  try {
    limitAll = await connect(worker, raw.address, nodes, o);
  } finally {
    await worker.request({ cmd: 'release' }, 'released', 10_000).catch(() => undefined);
    await raw.stop();
  }
  const rawEdit = await startRawServer(before);
  let limitEdit: number[] = [];
  try {
    await connect(worker, rawEdit.address, affected.map((i) => nodes[i]!), o);
    await worker.request({ cmd: 'arm' }, 'armed', 10_000);
    const t0 = nowMs();
    rawEdit.set(after);
    const { perClient } = await worker.request({ cmd: 'collect', timeoutMs: o.changeTimeoutMs, quietMs: 100 }, 'updates', o.changeTimeoutMs + 10_000);
    limitEdit = perClient.flatMap((u) => u.filter((x) => x.typeUrl.endsWith('RouteConfiguration')).slice(0, 1).map((x) => x.at - t0));
  } finally {
    await worker.request({ cmd: 'release' }, 'released', 10_000).catch(() => undefined);
    await rawEdit.stop();
  }

  const c = real.connected;
  return {
    mesh: o.mesh,
    clients: o.clients,
    mode: o.delta ? 'delta' : 'sotw',
    allAcked: { perClient: summarize(c.readyMs), allMs: c.lastReadyAt - c.startedAt, limitAllMs: limitAll.lastReadyAt - limitAll.startedAt, failed: c.failed, ...(c.firstError !== undefined ? { firstError: c.firstError } : {}) },
    edit: { latency: summarize(real.latency), limit: summarize(limitEdit), updated: real.latency.length, expected: affected.length, cpuMs: Math.round(real.cpuMs) },
    bytesToUnaffected,
    bytesPerAffected: summarize([...bytesByAffected.values()]),
    rss: { beforeMiB: mib(real.rssBefore), afterMiB: mib(real.rssAfter), perProxyKiB: Math.round((real.rssAfter - real.rssBefore) / 1024 / o.clients), heapSlopeKiB: real.heapSlopeKiB },
    eventLoopP99Ms: Math.round(loop.percentile(99) / 1e4) / 100,
    parts: real.parts,
  };
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

function connect(worker: WorkerHandle, address: string, nodes: readonly NodeInit[], o: DistinctOptions) {
  return worker.request({ cmd: 'connect', address, clients: nodes.length, delta: o.delta, sharedIp: false, timeoutMs: o.connectTimeoutMs, nodes }, 'connected', o.connectTimeoutMs + 10_000);
}

/** The snapshot the pipeline serves `node` for `objects` (a throwaway pipeline, so nothing is shared with the measured run). */
function snapshotFor(objects: readonly ConfigObject[], node: NodeInit): XdsSnapshot {
  const pipeline = createPushPipeline(buildPushContext(createConfigSnapshot(objects)));
  let snap: XdsSnapshot | undefined;
  const stop = pipeline.watch(create(coreV3.NodeSchema, node), (s) => (snap = s));
  stop();
  return snap!;
}
