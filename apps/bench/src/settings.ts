import type { LoopBudget } from './measure/run-timed.js';

/** What one bench run does: budgets per measurement and the loopback matrix. */
export interface BenchSettings {
  readonly quick: boolean;
  /** Loop budget for the mesh-100 and mesh-1000 translation timers. */
  readonly small: LoopBudget;
  readonly large: LoopBudget;
  /** Mesh sizes of G1; G2 runs on the last (mesh-1000; the quick run stays on mesh-100). */
  readonly translationMeshes: readonly number[];
  /** Gateway replicas (identical labels) of the sharing measurement. */
  readonly sharingProxies: number;
  /** Sidecars of the sharing measurement (each has its own IP, so each costs a full generation). */
  readonly sharingSidecars: number;
  /** Client counts of the loopback runs (each in SotW and in delta; the clients share one view). */
  readonly clientCounts: readonly number[];
  /** Clients of the extra delta run where each client has its own IP (one view each). */
  readonly distinctIpClients: number;
  readonly sharingTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly changeTimeoutMs: number;
  /** The distinct-workload runs (issue 9): mesh size x clients x mode. */
  readonly distinct: readonly { readonly mesh: number; readonly clients: number; readonly delta: boolean }[];
}

const matrix = (meshes: number[], clients: number[]) => meshes.flatMap((mesh) => clients.flatMap((c) => [false, true].map((delta) => ({ mesh, clients: c, delta }))));

/** Returns the settings for a full run (~3 min on 2 cores) or a `--quick` smoke run (~30 s). */
export function benchSettings(quick: boolean): BenchSettings {
  return quick
    ? {
        quick,
        small: { warmup: 3, minIterations: 5, maxIterations: 30, maxMs: 1000 },
        large: { warmup: 1, minIterations: 2, maxIterations: 10, maxMs: 2000 },
        translationMeshes: [100],
        sharingProxies: 10,
        sharingSidecars: 10,
        clientCounts: [50],
        distinctIpClients: 5,
        sharingTimeoutMs: 60_000,
        connectTimeoutMs: 20_000,
        changeTimeoutMs: 10_000,
        distinct: [{ mesh: 100, clients: 50, delta: true }],
      }
    : {
        quick,
        small: { warmup: 10, minIterations: 30, maxIterations: 300, maxMs: 4000 },
        large: { warmup: 1, minIterations: 5, maxIterations: 100, maxMs: 12_000 },
        translationMeshes: [100, 1000],
        sharingProxies: 100,
        sharingSidecars: 30,
        clientCounts: [100, 300],
        distinctIpClients: 20,
        sharingTimeoutMs: 150_000,
        connectTimeoutMs: 60_000,
        changeTimeoutMs: 30_000,
        distinct: matrix([100, 1000], [100, 1000]),
      };
}

/** True when the command line has `--quick` or the env has BENCH_QUICK=1. */
export function isQuick(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  return argv.includes('--quick') || env['BENCH_QUICK'] === '1';
}
