import { create } from '@bufbuild/protobuf';
import { coreV3 } from '@minipilot/envoy-api';
import { createConfigSnapshot } from '@minipilot/config';
import { buildPushContext } from '@minipilot/translation';
import { createPushPipeline } from '@minipilot/push';
import { buildDistinctMesh, distinctNode } from '../fixtures/distinct-mesh.js';
import { summarize, type Summary } from './stats.js';

/** Cold translation of one sidecar through the push pipeline, and of a second workload with other labels (cache hits). */
export interface PipelineTranslationResult {
  readonly mesh: number;
  /** A fresh pipeline: generate, check and encode everything one sidecar gets (ms). */
  readonly coldMs: Summary;
  /** Then a second sidecar of the same namespace with other labels, own IP and own served port (ms). */
  readonly secondMs: Summary;
}

/** Measures {@link PipelineTranslationResult} on the distinct-workload mesh of `size` services, `iterations` times. */
export function measurePipelineTranslation(size: number, iterations: number): PipelineTranslationResult {
  const mesh = buildDistinctMesh(size);
  const push = buildPushContext(createConfigSnapshot(mesh.objects));
  const first = create(coreV3.NodeSchema, distinctNode(0, size));
  const second = create(coreV3.NodeSchema, distinctNode(10, size)); // same namespace ns-0, another workload
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < iterations + 1; i++) {
    const pipeline = createPushPipeline(push);
    let t = performance.now();
    pipeline.watch(first, () => {});
    const c = performance.now() - t;
    t = performance.now();
    pipeline.watch(second, () => {});
    const w = performance.now() - t;
    if (i === 0) continue; // warm-up: module and descriptor caches
    cold.push(c);
    warm.push(w);
  }
  return { mesh: size, coldMs: summarize(cold), secondMs: summarize(warm) };
}
