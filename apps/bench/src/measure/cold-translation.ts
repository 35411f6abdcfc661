import { createConfigSnapshot, type ConfigSnapshot } from '@minipilot/config';
import { buildPushContext, generateResources, parseProxy, type Proxy } from '@minipilot/translation';
import { encodeSnapshot } from '@minipilot/push';
import type { MeshFixture } from '../fixtures/mesh.js';
import { runTimed, timed, type LoopBudget } from './run-timed.js';
import { summarize, type Summary } from './stats.js';
import { heapGrowthPerOp } from './heap.js';
import { snapshotSizes, type TypeSize } from './encode.js';

/** The sidecar every translation measurement generates for (as in the brief and Istio's benchmarks). */
export const BENCH_PROXY_ID = 'sidecar~10.0.0.1~app-0.default~default.svc.cluster.local';

/** Returns the parsed benchmark sidecar. */
export function benchProxy(): Proxy {
  return parseProxy({ id: BENCH_PROXY_ID });
}

/** G1: one cold translation of a mesh for one sidecar, split into its three phases. */
export interface ColdTranslationResult {
  readonly mesh: number;
  /** `buildPushContext` over the config snapshot (ms). */
  readonly pushContextMs: Summary;
  /** `generateResources` for the sidecar (ms). */
  readonly generateMs: Summary;
  /** The discovery server's `encodeSnapshot`: toBinary of every resource, content hashes, index (ms). */
  readonly encodeMs: Summary;
  /** The three together, per iteration (ms). */
  readonly totalMs: Summary;
  /** resources/msg and kB/msg per type. */
  readonly sizes: readonly TypeSize[];
  /** Median heap growth of one op while its result is alive (bytes; absent without --expose-gc). */
  readonly heapGrowthBytes: { readonly pushContext?: number; readonly generate?: number; readonly encode?: number };
}

/** Measures G1 (cold push context build, generate and encode of `fixture` for one sidecar). */
export function measureColdTranslation(fixture: MeshFixture, budget: LoopBudget): ColdTranslationResult {
  const config: ConfigSnapshot = createConfigSnapshot(fixture.objects);
  const proxy = benchProxy();
  const runs = runTimed(budget, () => {
    const push = timed(() => buildPushContext(config));
    const gen = timed(() => generateResources(proxy, push.value));
    const enc = timed(() => encodeSnapshot(gen.value));
    return { push: push.ms, gen: gen.ms, enc: enc.ms, snapshot: enc.value };
  });
  const push = buildPushContext(config);
  const resources = generateResources(proxy, push);
  const heapRuns = 3;
  const pushGrowth = heapGrowthPerOp(() => buildPushContext(config), heapRuns);
  const genGrowth = heapGrowthPerOp(() => generateResources(proxy, push), heapRuns);
  const encGrowth = heapGrowthPerOp(() => encodeSnapshot(resources), heapRuns);
  return {
    mesh: fixture.size,
    pushContextMs: summarize(runs.map((r) => r.push)),
    generateMs: summarize(runs.map((r) => r.gen)),
    encodeMs: summarize(runs.map((r) => r.enc)),
    totalMs: summarize(runs.map((r) => r.push + r.gen + r.enc)),
    sizes: snapshotSizes(runs[runs.length - 1]!.snapshot),
    heapGrowthBytes: {
      ...(pushGrowth !== undefined ? { pushContext: pushGrowth } : {}),
      ...(genGrowth !== undefined ? { generate: genGrowth } : {}),
      ...(encGrowth !== undefined ? { encode: encGrowth } : {}),
    },
  };
}
