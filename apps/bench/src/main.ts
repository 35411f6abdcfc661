#!/usr/bin/env node
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildMesh } from './fixtures/mesh.js';
import { measureColdTranslation } from './measure/cold-translation.js';
import { measureEncodeVsWarm } from './measure/encode-vs-warm.js';
import { measureSharing } from './load/sharing.js';
import { runLoopback, type LoopbackResult } from './load/loopback.js';
import { collectGarbage } from './measure/heap.js';
import { benchSettings, isQuick, type BenchSettings } from './settings.js';
import { forkWorker, type WorkerHandle } from './load/worker-handle.js';
import { renderTable } from './report/table.js';
import { coldTables, encodeTable, sharingTable, loopbackTables, distinctTables, pipelineTable } from './report/tables.js';
import { runDistinct, type DistinctResult } from './load/distinct-run.js';
import { measurePipelineTranslation, type PipelineTranslationResult } from './measure/pipeline-translation.js';
import { measureHostileBounds } from './hostile/index.js';

/** Where the JSON report goes: apps/bench/results/latest.json (git-ignored). */
const RESULTS_DIR = path.resolve(__dirname, '..', 'results');

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const base = benchSettings(isQuick(argv, process.env));
  // BENCH_DISTINCT=1000x1000:delta,100x1000:sotw picks distinct-workload runs (mesh x clients : mode).
  const picked = process.env['BENCH_DISTINCT']?.split(',').map((r) => /^(\d+)x(\d+):(sotw|delta)$/.exec(r.trim())).filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ mesh: Number(m[1]), clients: Number(m[2]), delta: m[3] === 'delta' }));
  const settings = { ...base, ...(picked && picked.length > 0 ? { distinct: picked } : {}), distinctOnly: argv.includes('--distinct') };
  const worker = forkWorker();
  try {
    await run(settings, worker);
  } finally {
    await worker.stop();
  }
}

async function run(settings: BenchSettings & { distinctOnly: boolean }, worker: WorkerHandle): Promise<void> {
  const started = Date.now();
  const print = (text: string): void => void process.stdout.write(`${text}\n`);
  const section = (name: string): void => print(`\n[${Math.round((Date.now() - started) / 1000)} s] ${name}`);
  const loadAvg = (): number[] => os.loadavg().map((l) => Math.round(l * 100) / 100);
  const loadAtStart = loadAvg();
  print(`minipilot bench${settings.quick ? ' (quick)' : ''}: node ${process.version}, ${os.cpus().length} cpus, load average ${loadAtStart.join(' ')}, gc ${collectGarbage() ? 'exposed' : 'NOT exposed (heap numbers omitted)'}`);

  const distinct: DistinctResult[] = [];
  const pipelineTranslation: PipelineTranslationResult[] = [];
  const runDistinctSection = async (): Promise<void> => {
    section('one sidecar through the push pipeline (distinct-workload mesh): cold, then a second workload with other labels');
    for (const n of settings.quick ? [100] : [100, 1000]) pipelineTranslation.push(measurePipelineTranslation(n, settings.quick ? 3 : 7));
    print(renderTable(pipelineTable(pipelineTranslation)));
    section('distinct workloads (push pipeline + xDS server in this process, forked load worker; each beside its raw-write limit)');
    for (const d of settings.distinct) {
      print(`  mesh-${d.mesh} x${d.clients} ${d.delta ? 'delta' : 'sotw'}...`);
      distinct.push(await runDistinct(worker, { ...d, connectTimeoutMs: Math.max(settings.connectTimeoutMs, 180_000), changeTimeoutMs: settings.changeTimeoutMs }));
    }
    for (const t of distinctTables(distinct)) print(renderTable(t));
  };
  if (settings.distinctOnly) {
    await runDistinctSection();
    writeReport({ date: new Date().toISOString(), quick: settings.quick, distinctOnly: true, host: hostInfo(loadAtStart, loadAvg()), durationS: Math.round((Date.now() - started) / 1000), pipelineTranslation, distinct });
    return;
  }

  section('fixtures and G1/G2 (in-process translation)');
  const mesh100 = buildMesh(100);
  const meshes = settings.translationMeshes.map((n) => (n === 100 ? mesh100 : buildMesh(n)));
  const cold = meshes.map((m) => measureColdTranslation(m, m.size >= 1000 ? settings.large : settings.small));
  for (const t of coldTables(cold)) print(renderTable(t));
  const largest = meshes[meshes.length - 1]!;
  const encode = measureEncodeVsWarm(largest, largest.size >= 1000 ? settings.large : settings.small);
  print(renderTable(encodeTable(encode)));

  section('sharing (real server, static source)');
  const sharing = [
    await measureSharing(mesh100, 'sidecar', settings.sharingSidecars, settings.sharingTimeoutMs),
    await measureSharing(mesh100, 'router', settings.sharingProxies, settings.sharingTimeoutMs),
  ];
  print(renderTable(sharingTable(sharing)));

  section('loopback ADS runs (real server, forked load worker)');
  const runs = [
    ...settings.clientCounts.flatMap((clients) => [false, true].map((delta) => ({ clients, delta, sharedIp: true }))),
    { clients: settings.distinctIpClients, delta: true, sharedIp: false },
  ];
  const loopback: LoopbackResult[] = [];
  for (const r of runs) {
    collectGarbage();
    loopback.push(await runLoopback(mesh100, worker, { ...r, connectTimeoutMs: settings.connectTimeoutMs, changeTimeoutMs: settings.changeTimeoutMs }));
  }
  for (const t of loopbackTables(loopback)) print(renderTable(t));

  section('hostile clients (the whole app in this process): memory bounds');
  const hostile = await measureHostileBounds();
  print(renderTable({ title: 'Memory a hostile client can make the server hold (each beside its bound)', head: ['case', 'value', 'bound', 'unit', 'held'], rows: hostile.map((h) => [h.name, h.value, h.limit, h.unit, h.ok ? 'yes' : 'NO']) }));
  await runDistinctSection();

  const report = {
    date: new Date().toISOString(),
    quick: settings.quick,
    host: hostInfo(loadAtStart, loadAvg()),
    durationS: Math.round((Date.now() - started) / 1000),
    g1ColdTranslation: cold,
    g2EncodeVsWarm: encode,
    sharing,
    loopback,
    hostile,
    pipelineTranslation,
    distinct,
  };
  writeReport(report);
}

function hostInfo(loadAverageAtStart: number[], loadAverageAtEnd: number[]) {
  return { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', totalMemMiB: Math.round(os.totalmem() / 1048576), loadAverageAtStart, loadAverageAtEnd };
}

/** Writes the JSON report to results/latest.json (git-ignored; copy results worth citing to a dated name). */
function writeReport(report: { readonly durationS: number } & Record<string, unknown>): void {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const out = path.join(RESULTS_DIR, 'latest.json');
  fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\nwrote ${path.relative(process.cwd(), out)} (${report.durationS} s)\n`);
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
