import type { ColdTranslationResult } from '../measure/cold-translation.js';
import type { EncodeVsWarmResult } from '../measure/encode-vs-warm.js';
import type { SharingGroup } from '../load/sharing.js';
import type { LoopbackResult } from '../load/loopback.js';
import type { DistinctResult } from '../load/distinct-run.js';
import type { PipelineTranslationResult } from '../measure/pipeline-translation.js';
import type { Summary } from '../measure/stats.js';
import type { Table } from './table.js';

const kib = (b: number | undefined): number | undefined => (b === undefined ? undefined : Math.round(b / 1024));
const row = (name: string, s: Summary): (string | number)[] => [name, s.median, s.p99, s.n];

/** G1 tables: phase timings and sizes per mesh. */
export function coldTables(results: readonly ColdTranslationResult[]): Table[] {
  return results.flatMap((r) => [
    {
      title: `G1 cold translation, mesh-${r.mesh}, one sidecar (ms; heap growth per op in KiB)`,
      head: ['phase', 'median', 'p99', 'n', 'heap KiB/op'],
      rows: [
        [...row('push context', r.pushContextMs), kib(r.heapGrowthBytes.pushContext) ?? '-'],
        [...row('generate', r.generateMs), kib(r.heapGrowthBytes.generate) ?? '-'],
        [...row('encode (snapshot)', r.encodeMs), kib(r.heapGrowthBytes.encode) ?? '-'],
        [...row('total', r.totalMs), '-'],
      ],
    },
    { title: `G1 sizes, mesh-${r.mesh}`, head: ['type', 'resources/msg', 'kB/msg'], rows: r.sizes.map((s) => [s.type, s.resources, s.kB]) },
  ]);
}

/** G2 table: encode-only, write-only, warm path and the ratios. */
export function encodeTable(r: EncodeVsWarmResult): Table {
  return {
    title: `G2 push cost vs serialization, mesh-${r.mesh} (ms); cold/toBinary ${r.ratios.coldOverToBinary}x (goal <= 2), warm/cold ${r.ratios.warmOverCold}x, warm/write-only ${r.ratios.warmOverWriteOnly}x (goal <= 1.2)`,
    head: ['timer', 'median', 'p99', 'n'],
    rows: [
      row('cold: push+gen+enc', r.coldMs),
      row('toBinary only', r.toBinaryOnlyMs),
      row('encodeSnapshot', r.encodeSnapshotMs),
      row('write only (4 responses)', r.writeOnlyMs),
      row('config snapshot (source)', r.configSnapshotMs),
      row('warm: 1 VS -> push+gen+enc', r.warmMs),
    ],
  };
}

/** Sharing table. */
export function sharingTable(groups: readonly SharingGroup[]): Table {
  return {
    title: 'Sharing: identical proxies (same namespace and labels) on the real server',
    head: ['proxies', 'count', 'views', 'generations', 'gen/view', 'gen ms med', 'connect ms'],
    rows: groups.map((g) => [g.proxyType, g.proxies, g.views, g.generations, g.generationsPerView, g.generationMedianMs, g.connectMs]),
  };
}

/** Loopback tables: storm and memory, then the push. */
export function loopbackTables(results: readonly LoopbackResult[]): Table[] {
  const name = (r: LoopbackResult): string => `${r.mode} x${r.clients}${r.sharedIp ? '' : ' distinct-ip'}`;
  return [
    {
      title: `G6/G4 connection storm on mesh-${results[0]?.mesh ?? '?'} (ms, MiB, KiB)`,
      head: ['run', 'storm', 'ready med', 'ready p99', 'failed', 'rss before', 'rss after', 'KiB/client', 'views', 'gens', 'loop p99'],
      rows: results.map((r) => [name(r), r.stormMs, r.readyMs.median, r.readyMs.p99, r.failedClients, r.rss.beforeMiB, r.rss.afterMiB, r.rss.perClientKiB, r.views, r.generations.connect, r.eventLoopDelayMs.p99]),
    },
    {
      title: 'G3 one VirtualService change -> RouteConfiguration received (ms; bytes per client)',
      head: ['run', 'server ms', 'lat med', 'lat p99', 'updated', 'gens', 'gen ms med', 'B/client med', 'B/client p99', 'bytes by type'],
      rows: results.map((r) => [
        name(r), r.change.serverMs, r.change.latencyMs.median, r.change.latencyMs.p99, `${r.change.clientsUpdated}/${r.clients}`, r.generations.change, r.generationMs.median,
        r.change.bytesPerClient.median, r.change.bytesPerClient.p99, Object.entries(r.change.bytesByType).map(([t, b]) => `${t}=${b}`).join(' '),
      ]),
    },
  ];
}

/**
 * The distinct-workload tables (issue 9): each figure beside its limit from the same run (the same
 * engine writing one pre-encoded snapshot of the same size to as many streams, no generation).
 */
export function distinctTables(results: readonly DistinctResult[]): Table[] {
  const name = (r: DistinctResult): string => `mesh-${r.mesh} x${r.clients} ${r.mode}`;
  const ratio = (a: number, b: number): string => (b > 0 ? `${Math.round((a / b) * 100) / 100}x` : '-');
  return [
    {
      title: 'Distinct workloads: first connect -> all four types ACKed (ms). Goals: all <= 60 s and <= 1.5x the limit at mesh-1000 x1000; <= 10 s at mesh-100 x1000',
      head: ['run', 'ready med', 'ready p99', 'all', 'limit all', 'all/limit', 'failed', 'scopes', 'workloads', 'cache'],
      rows: results.map((r) => [name(r), r.allAcked.perClient.median, r.allAcked.perClient.p99, r.allAcked.allMs, r.allAcked.limitAllMs, ratio(r.allAcked.allMs, r.allAcked.limitAllMs), r.allAcked.failed, r.parts.scopes, r.parts.workloads, r.parts.cacheEntries]),
    },
    {
      title: 'Distinct workloads: one VirtualService edit (exported to its namespace) -> new routes at each proxy of that namespace (ms). Goals: p99 <= 2 s, 0 bytes to proxies that cannot see it',
      head: ['run', 'updated', 'edit med', 'edit p99', 'limit med', 'limit p99', 'cpu ms/edit', 'B/affected med', 'B to unaffected'],
      rows: results.map((r) => [name(r), `${r.edit.updated}/${r.edit.expected}`, r.edit.latency.median, r.edit.latency.p99, r.edit.limit.median, r.edit.limit.p99, r.edit.cpuMs, r.bytesPerAffected.median, r.bytesToUnaffected]),
    },
    {
      title: 'Distinct workloads: memory and event loop. Goals: <= 1024 KiB per proxy, RSS never above 2048 MiB (RSS growth/M includes shared parts and write buffers; heap slope: retained per proxy)',
      head: ['run', 'rss before MiB', 'rss after MiB', 'rss growth KiB/proxy', 'heap slope KiB/proxy', 'loop p99 ms'],
      rows: results.map((r) => [name(r), r.rss.beforeMiB, r.rss.afterMiB, r.rss.perProxyKiB, r.rss.heapSlopeKiB, r.eventLoopP99Ms]),
    },
  ];
}

/** One sidecar through the push pipeline: cold, then a second workload with other labels. */
export function pipelineTable(results: readonly PipelineTranslationResult[]): Table {
  return {
    title: 'One sidecar through the push pipeline (generate, check, encode; ms). Goals at mesh-1000: cold <= 100 (aim 40), a second sidecar with other labels <= 10',
    head: ['mesh', 'cold med', 'cold p99', 'second med', 'second p99', 'n'],
    rows: results.map((r) => [r.mesh, r.coldMs.median, r.coldMs.p99, r.secondMs.median, r.secondMs.p99, r.coldMs.n]),
  };
}
