import type { coreV3 } from '@minipilot/envoy-api';
import { TypeUrl } from '@minipilot/envoy-api';
import type { Kind } from '@minipilot/config';
import { completeReferences, parseProxy, proxyKeys, XDS_TYPES, type EnvoyResources, type Proxy, type ProxyKeys, type PushContext } from '@minipilot/translation';
import type { SnapshotSource, XdsResource, XdsSnapshot } from '@minipilot/xds-server';
import { CompositeMap } from './composite-map.js';
import { createPart, generatePartFor, type Part, type PartHooks } from './part.js';
import { affectedNamespaces, ALL_NAMESPACES } from './affected-namespaces.js';
import { createResourceCache, type ResourceCacheStats } from './resource-cache.js';
import { combinedVersion, type TypePart } from './type-part.js';

/** Settings and observers of {@link createPushPipeline}. */
export interface PushPipelineOptions extends PartHooks {
  /**
   * Streams handed a new snapshot per event-loop turn (istiod's PILOT_PUSH_THROTTLE; default 25, its
   * value on 2 cores). The xDS server's write budget then bounds what is buffered.
   */
  readonly pushThrottle?: number;
  /** Milliseconds of part generation per event-loop turn before yielding (default 20). */
  readonly sliceMs?: number;
  /** After a push reached every stream it changed: how many streams were handed a new snapshot. */
  onPushed?(summary: PushSummary): void;
  /**
   * Per stream handed a new snapshot by a push: seconds from the push (setPush) until its turn in the
   * queue came (istiod's pilot_proxy_queue_time) and until it had its snapshot (pilot_proxy_convergence_time).
   */
  onProxyPushed?(queueSeconds: number, convergenceSeconds: number): void;
}

/** What one push did. */
export interface PushSummary {
  readonly parts: number;
  readonly regenerated: number;
  readonly proxies: number;
  readonly ms: number;
}

/** Sizes of the pipeline, for /debug and tests. */
export interface PushPipelineStats {
  readonly streams: number;
  readonly scopes: number;
  readonly workloads: number;
  readonly queued: number;
  readonly cache: ResourceCacheStats;
}

/** The snapshot source the xDS server reads, plus what the debug endpoints need. */
export interface PushPipeline extends SnapshotSource {
  /**
   * Installs a new push context. `changedKeys` (`Kind/namespace/name`, as config sources report
   * them) names what changed: only the xDS types that depend on those kinds are regenerated, only
   * resources whose inputs changed are rebuilt, and only proxies whose resources changed are
   * pushed. Without it everything is regenerated (cache hits still apply). Resolves when every
   * affected proxy was handed its new snapshot (or a newer push took over).
   */
  setPush(push: PushContext, changedKeys?: ReadonlySet<string>): Promise<void>;
  /** The resources a connected proxy currently gets, by node id or `pod.namespace`. */
  resourcesFor(proxyId: string): { proxy: Proxy; resources: EnvoyResources } | undefined;
  /** Number of distinct shared parts (scope and workload) in use. */
  viewCount(): number;
  stats(): PushPipelineStats;
}

interface Stream {
  readonly nodeId: string;
  readonly node: Proxy;
  readonly onSnapshot: (s: XdsSnapshot) => void;
  keys: ProxyKeys;
  scope: Part;
  workload: Part | undefined;
  /** The type parts of the last delivered snapshot (identity), to skip unchanged ones. */
  delivered: readonly (TypePart | undefined)[];
}


/**
 * The push pipeline (istiod's push context → XdsCache → push queue): proxies are grouped by the
 * sharing keys of @minipilot/translation into scope parts (outbound config, shared by every
 * workload that no selector tells apart) and workload parts (a sidecar's inbound config); each part
 * is generated through one per-resource cache shared by all parts, so a resource is built and
 * encoded once for every proxy and push that needs it. A config change regenerates only the types
 * that depend on the changed kinds, re-encodes only changed resources, and hands new snapshots only
 * to streams whose resources changed, a bounded number per event-loop turn.
 */
export function createPushPipeline(initial: PushContext, options: PushPipelineOptions = {}): PushPipeline {
  let push = initial;
  const cache = createResourceCache();
  const parts = new Map<string, Part>();
  const streams = new Set<Stream>();
  const queue = new Set<Stream>();
  const throttle = Math.max(1, options.pushThrottle ?? 25);
  const sliceMs = options.sliceMs ?? 20;

  const partFor = (key: string, kind: 'scope' | 'workload', rep: Proxy): Part => {
    const id = `${kind}:${key}`;
    let p = parts.get(id);
    if (!p) parts.set(id, (p = createPart(key, kind, rep)));
    p.members++;
    return p;
  };
  const release = (p: Part | undefined): void => {
    if (p && --p.members === 0) parts.delete(`${p.part}:${p.key}`);
  };
  const fresh = (p: Part): void => {
    if (p.push !== push || p.dirty.size > 0) generatePartFor(p, push, cache.memo, options);
  };
  const attach = (s: Stream, keys: ProxyKeys): void => {
    s.keys = keys;
    s.scope = partFor(keys.scope, 'scope', keys.proxy);
    s.workload = keys.workload ? partFor(keys.workload, 'workload', keys.proxy) : undefined;
  };

  const typeParts = (s: Stream): (TypePart | undefined)[] => XDS_TYPES.flatMap((t) => [s.scope.types.get(t.typeUrl), s.workload?.types.get(t.typeUrl)]);
  const snapshotOf = (s: Stream): XdsSnapshot => {
    const resources = new Map<string, ReadonlyMap<string, XdsResource>>();
    const versions = new Map<string, string>();
    for (const t of XDS_TYPES) {
      const scope = s.scope.types.get(t.typeUrl)!;
      const workload = s.workload?.types.get(t.typeUrl);
      const own = workload && workload.resources.size > 0;
      resources.set(t.typeUrl, own ? new CompositeMap(scope.resources, workload.resources) : scope.resources);
      versions.set(t.typeUrl, combinedVersion(scope, workload));
    }
    resources.set(TypeUrl.Secret, new Map());
    s.delivered = typeParts(s);
    return { resources, version: (typeUrl: string) => versions.get(typeUrl) ?? '' };
  };
  const deliver = (s: Stream): void => {
    const now = typeParts(s);
    if (now.every((tp, i) => tp === s.delivered[i])) return;
    s.onSnapshot(snapshotOf(s));
  };

  let running: Promise<void> | undefined;
  let pushSeq = 0;
  let pushedAt = performance.now();
  /** Regenerates stale parts (time-sliced), then hands changed streams their snapshots (throttled). */
  const run = async (): Promise<void> => {
    for (;;) {
      const seq = pushSeq;
      const start = performance.now();
      let regenerated = 0;
      let sliceStart = performance.now();
      for (const p of [...parts.values()]) {
        if (!parts.has(`${p.part}:${p.key}`)) continue;
        if (p.push === push && p.dirty.size === 0) continue;
        generatePartFor(p, push, cache.memo, options);
        regenerated++;
        if (performance.now() - sliceStart > sliceMs) {
          await turn();
          sliceStart = performance.now();
        }
      }
      cache.sweep();
      for (const s of streams) queue.add(s);
      let proxies = 0;
      while (queue.size > 0) {
        let n = 0;
        for (const s of queue) {
          queue.delete(s);
          if (!streams.has(s)) continue;
          const dequeued = performance.now();
          fresh(s.scope);
          if (s.workload) fresh(s.workload);
          const before = s.delivered;
          deliver(s);
          if (s.delivered !== before) {
            proxies++;
            options.onProxyPushed?.((dequeued - pushedAt) / 1000, (performance.now() - pushedAt) / 1000);
          }
          if (++n >= throttle) break;
        }
        await turn();
      }
      options.onPushed?.({ parts: parts.size, regenerated, proxies, ms: performance.now() - start });
      if (seq === pushSeq) return;
    }
  };

  return {
    watch(node: coreV3.Node, onSnapshot: (s: XdsSnapshot) => void): () => void {
      const proxy = parseProxy({ id: node.id, metadata: node.metadata ?? {}, ...(node.locality ? { locality: node.locality } : {}) });
      const keys = proxyKeys(proxy, push);
      const stream = { nodeId: node.id, node: proxy, onSnapshot, delivered: [] } as unknown as Stream;
      attach(stream, keys);
      streams.add(stream);
      fresh(stream.scope);
      if (stream.workload) fresh(stream.workload);
      deliver(stream);
      return () => {
        if (!streams.delete(stream)) return;
        queue.delete(stream);
        release(stream.scope);
        release(stream.workload);
      };
    },
    setPush(next: PushContext, changedKeys?: ReadonlySet<string>): Promise<void> {
      const namespaces = changedKeys ? affectedNamespaces(changedKeys, push, next) : new Set([ALL_NAMESPACES]);
      push = next;
      pushSeq++;
      pushedAt = performance.now();
      cache.nextGeneration();
      const kinds = changedKeys ? new Set([...changedKeys].map((k) => k.slice(0, k.indexOf('/')) as Kind)) : undefined;
      const dirty = XDS_TYPES.filter((t) => !kinds || [...kinds].some((k) => t.dependsOn.has(k))).map((t) => t.kind);
      for (const s of streams) {
        const keys = proxyKeys(s.node, push);
        if (keys.scope === s.keys.scope && keys.workload === s.keys.workload) {
          s.keys = keys;
          s.scope.rep = keys.proxy;
          if (s.workload) s.workload.rep = keys.proxy;
          continue;
        }
        const old = [s.scope, s.workload] as const;
        attach(s, keys);
        release(old[0]);
        release(old[1]);
      }
      // Sidecars and proxyless clients see only what is exported to their namespace; gateways are always checked.
      const sees = (p: Part): boolean => namespaces.has(ALL_NAMESPACES) || p.rep.type === 'router' || namespaces.has(p.rep.namespace);
      for (const p of parts.values()) {
        if (sees(p)) for (const k of dirty) p.dirty.add(k);
        else if (p.dirty.size === 0) p.push = push; // nothing it can see changed: current as it is
      }
      running ??= run().finally(() => { running = undefined; });
      return running;
    },
    resourcesFor(proxyId: string) {
      const stream = [...streams].find((s) => s.nodeId === proxyId) ?? [...streams].find((s) => s.nodeId.split('~')[2] === proxyId);
      if (!stream) return undefined;
      fresh(stream.scope);
      if (stream.workload) fresh(stream.workload);
      const merged = Object.fromEntries(XDS_TYPES.map((t) => [t.kind, [
        ...(stream.scope.types.get(t.typeUrl)?.messages ?? []),
        ...(stream.workload?.types.get(t.typeUrl)?.messages ?? []),
      ]])) as unknown as EnvoyResources;
      return { proxy: stream.keys.proxy, resources: completeReferences(merged) };
    },
    viewCount: () => parts.size,
    stats: () => ({
      streams: streams.size,
      scopes: [...parts.values()].filter((p) => p.part === 'scope').length,
      workloads: [...parts.values()].filter((p) => p.part === 'workload').length,
      queued: queue.size,
      cache: cache.stats(),
    }),
  };
}

function turn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
