import { createConfigSnapshot } from '@minipilot/config';
import { buildPushContext, generateResources } from '@minipilot/translation';
import { encodeSnapshot } from '@minipilot/push';
import { parseManifest, replaceObject, virtualServiceManifest, type MeshFixture } from '../fixtures/mesh.js';
import { runTimed, timed, type LoopBudget } from './run-timed.js';
import { summarize, quantile, type Summary } from './stats.js';
import { toBinaryAll, writeResponses } from './encode.js';
import { benchProxy } from './cold-translation.js';

/** G2: what a push costs beyond serialization, cold and after one VirtualService change. */
export interface EncodeVsWarmResult {
  readonly mesh: number;
  /** Full cold path: push context, generate, `encodeSnapshot` (ms). */
  readonly coldMs: Summary;
  /** toBinary of every pre-built resource message, nothing else (ms). */
  readonly toBinaryOnlyMs: Summary;
  /** The server's `encodeSnapshot` of the same messages (toBinary + content hashes + index) (ms). */
  readonly encodeSnapshotMs: Summary;
  /** Serializing the four DiscoveryResponses from already-encoded bytes (ms). */
  readonly writeOnlyMs: Summary;
  /** Config snapshot of the changed object set, as a source builds it (ms; not part of `warmMs`). */
  readonly configSnapshotMs: Summary;
  /** One VirtualService changed: new push context, generate and encode for the sidecar (ms). */
  readonly warmMs: Summary;
  /** Medians of the per-iteration ratios (every timer of an iteration runs back to back, so load drift cancels). */
  readonly ratios: {
    /** G2 cold: full cold path / toBinary-only (goal ≤ 2.0). */
    readonly coldOverToBinary: number;
    /** Warm path / full cold path (1.0 means nothing is reused). */
    readonly warmOverCold: number;
    /** G2 warm: warm path / write-only (goal ≤ 1.2). */
    readonly warmOverWriteOnly: number;
  };
}

/**
 * Measures G2 on `fixture`. Each iteration runs, back to back: the full cold path, toBinary-only and
 * `encodeSnapshot` of pre-built messages, write-only from their bytes, and the warm path
 * (VirtualService `svc-0` alternates between two revisions, so every iteration is a real change).
 */
export function measureEncodeVsWarm(fixture: MeshFixture, budget: LoopBudget): EncodeVsWarmResult {
  const proxy = benchProxy();
  const base = createConfigSnapshot(fixture.objects);
  const resources = generateResources(proxy, buildPushContext(base));
  const snapshot = encodeSnapshot(resources);
  const revisions = [1, 2].map((r) => replaceObject(fixture.objects, parseManifest(virtualServiceManifest(0, r))));
  const runs = runTimed(budget, (i) => {
    const cold = timed(() => encodeSnapshot(generateResources(proxy, buildPushContext(base)))).ms;
    const toBinary = timed(() => toBinaryAll(resources)).ms;
    const encode = timed(() => encodeSnapshot(resources)).ms;
    const write = timed(() => writeResponses(snapshot)).ms;
    const config = timed(() => createConfigSnapshot(revisions[i % 2]!));
    const warm = timed(() => encodeSnapshot(generateResources(proxy, buildPushContext(config.value)))).ms;
    return { cold, toBinary, encode, write, config: config.ms, warm };
  });
  const pick = (f: (r: (typeof runs)[number]) => number): Summary => summarize(runs.map(f));
  const medianRatio = (f: (r: (typeof runs)[number]) => number): number => Math.round(quantile(runs.map(f), 0.5) * 100) / 100;
  return {
    mesh: fixture.size,
    coldMs: pick((r) => r.cold),
    toBinaryOnlyMs: pick((r) => r.toBinary),
    encodeSnapshotMs: pick((r) => r.encode),
    writeOnlyMs: pick((r) => r.write),
    configSnapshotMs: pick((r) => r.config),
    warmMs: pick((r) => r.warm),
    ratios: {
      coldOverToBinary: medianRatio((r) => r.cold / r.toBinary),
      warmOverCold: medianRatio((r) => r.warm / r.cold),
      warmOverWriteOnly: medianRatio((r) => r.warm / r.write),
    },
  };
}
