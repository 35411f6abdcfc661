import { createConfigSnapshot } from '@minipilot/config';
import { buildPushContext, generateResources } from '@minipilot/translation';
import { encodeSnapshot } from '@minipilot/discovery/dist/encode.js';
import { parseManifest, replaceObject, virtualServiceManifest, type MeshFixture } from '../fixtures/mesh.js';
import { runTimed, timed, type LoopBudget } from './run-timed.js';
import { summarize, ratio, type Summary } from './stats.js';
import { toBinaryAll, writeResponses } from './encode.js';
import { benchProxy } from './cold-translation.js';

/** G2: what a push costs beyond serialization, cold and after one VirtualService change. */
export interface EncodeVsWarmResult {
  readonly mesh: number;
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
 * Measures G2 on `fixture`: encode-only and write-only of pre-built resources, and the warm path
 * (VirtualService `svc-0` alternates between two revisions, so every iteration is a real change).
 * `coldTotalMedianMs` is G1's median for the same fixture.
 */
export function measureEncodeVsWarm(fixture: MeshFixture, budget: LoopBudget, coldTotalMedianMs: number): EncodeVsWarmResult {
  const proxy = benchProxy();
  const resources = generateResources(proxy, buildPushContext(createConfigSnapshot(fixture.objects)));
  const snapshot = encodeSnapshot(resources);
  const toBinaryOnly = runTimed(budget, () => timed(() => toBinaryAll(resources)).ms);
  const encodeOnly = runTimed(budget, () => timed(() => encodeSnapshot(resources)).ms);
  const writeOnly = runTimed(budget, () => timed(() => writeResponses(snapshot)).ms);

  const revisions = [1, 2].map((r) => replaceObject(fixture.objects, parseManifest(virtualServiceManifest(0, r))));
  const warm = runTimed(budget, (i) => {
    const config = timed(() => createConfigSnapshot(revisions[i % 2]!));
    const push = timed(() => buildPushContext(config.value));
    const regen = timed(() => encodeSnapshot(generateResources(proxy, push.value)));
    return { config: config.ms, warm: push.ms + regen.ms };
  });
  const warmMs = summarize(warm.map((w) => w.warm));
  const toBinaryOnlyMs = summarize(toBinaryOnly);
  const writeOnlyMs = summarize(writeOnly);
  return {
    mesh: fixture.size,
    toBinaryOnlyMs,
    encodeSnapshotMs: summarize(encodeOnly),
    writeOnlyMs,
    configSnapshotMs: summarize(warm.map((w) => w.config)),
    warmMs,
    ratios: {
      coldOverToBinary: ratio(coldTotalMedianMs, toBinaryOnlyMs.median),
      warmOverCold: ratio(warmMs.median, coldTotalMedianMs),
      warmOverWriteOnly: ratio(warmMs.median, writeOnlyMs.median),
    },
  };
}
