import type { ResourceMemo } from '@minipilot/translation';

/** Counters of a {@link ResourceCache}, for metrics and tests. */
export interface ResourceCacheStats {
  readonly size: number;
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
}

/**
 * The per-resource xDS cache (istiod's XdsCache): generated clusters, load assignments, virtual
 * hosts and route configurations under keys made of exactly what they depend on (see the key
 * functions of @minipilot/translation), shared by every proxy and push that needs them. Entries not
 * used during the last `keepGenerations` pushes are evicted by {@link ResourceCache.sweep}, so the
 * cache holds what the connected proxies use, not every version ever built.
 */
export interface ResourceCache {
  readonly memo: ResourceMemo;
  /** Starts a new generation (call once per push, before generating for it). */
  nextGeneration(): void;
  /** Evicts entries unused for the last `keepGenerations` generations. */
  sweep(): void;
  stats(): ResourceCacheStats;
}

/** Creates a {@link ResourceCache}. */
export function createResourceCache(options: { keepGenerations?: number } = {}): ResourceCache {
  const keep = options.keepGenerations ?? 2;
  const entries = new Map<string, { value: object; used: number }>();
  let generation = 0;
  let hits = 0;
  let misses = 0;
  let evictions = 0;
  const memo: ResourceMemo = <T extends object>(key: string, build: () => T): T => {
    const hit = entries.get(key);
    if (hit) {
      hit.used = generation;
      hits++;
      return hit.value as T;
    }
    misses++;
    const value = build();
    entries.set(key, { value, used: generation });
    return value;
  };
  return {
    memo,
    nextGeneration: () => void generation++,
    sweep() {
      for (const [key, e] of entries) {
        if (generation - e.used >= keep) {
          entries.delete(key);
          evictions++;
        }
      }
    },
    stats: () => ({ size: entries.size, hits, misses, evictions }),
  };
}
