import type { coreV3 } from '@minipilot/envoy-api';
import type { SnapshotSource, XdsSnapshot } from '@minipilot/xds-server';
import { parseProxy, configViewKey, generateResources, type Proxy, type PushContext, type EnvoyResources } from '@minipilot/translation';
import { encodeSnapshot } from './encode.js';
import { acceptResources, type Accepted } from './accept.js';

interface Stream {
  readonly nodeId: string;
  readonly proxy: Proxy;
  readonly onSnapshot: (s: XdsSnapshot) => void;
  key: string;
}

interface View {
  /** The first proxy of the view: every proxy in it gets the same config, so any one generates it. */
  readonly proxy: Proxy;
  readonly streams: Set<Stream>;
  push?: PushContext;
  resources?: EnvoyResources;
  snapshot?: XdsSnapshot;
  lastOutcome?: string;
  lastWarnings?: string;
}

/** The snapshot source the xDS server reads, plus what the debug endpoints need. */
export interface ProxySnapshots extends SnapshotSource {
  /**
   * Installs a new push context: streams are re-keyed, then every view is regenerated once and its
   * streams notified, one view per event-loop turn so health checks and ADS traffic keep flowing.
   * Resolves when every view serves `push` (or a newer one).
   */
  setPush(push: PushContext): Promise<void>;
  /** The resources a connected proxy currently gets, by node id or `pod.namespace`. */
  resourcesFor(proxyId: string): { proxy: Proxy; resources: EnvoyResources } | undefined;
  /** Number of distinct views (groups of proxies sharing one snapshot). */
  viewCount(): number;
}

/**
 * Groups proxies by `configViewKey`: proxies that get identical config (replicas of one workload,
 * gateway replicas) share one generated, checked and encoded snapshot. Keys depend on the registry,
 * so streams are re-keyed on every push; a view is regenerated once per push and dropped when its
 * last stream closes.
 */
export function createProxySnapshots(
  initial: PushContext,
  hooks: {
    onGenerated?: (proxy: Proxy, ms: number) => void;
    /** Called when the acceptance check withheld resources of a view (each distinct outcome once). */
    onWithheld?: (proxy: Proxy, accepted: Accepted) => void;
    /** Called with the translation warnings of a view (config parts skipped), each distinct set once. */
    onWarnings?: (proxy: Proxy, warnings: readonly string[]) => void;
    transform?: (proxy: Proxy, res: EnvoyResources) => EnvoyResources;
  } = {},
): ProxySnapshots {
  let push = initial;
  const views = new Map<string, View>();
  const streams = new Set<Stream>();

  const join = (stream: Stream): View => {
    let view = views.get(stream.key);
    if (!view) {
      view = { proxy: stream.proxy, streams: new Set() };
      views.set(stream.key, view);
    }
    view.streams.add(stream);
    return view;
  };
  const leave = (stream: Stream): void => {
    const view = views.get(stream.key);
    if (!view) return;
    view.streams.delete(stream);
    if (view.streams.size === 0) views.delete(stream.key);
  };

  let draining: Promise<void> | undefined;
  /** Regenerates stale views one per event-loop turn until all serve the latest push (a newer push joins in). */
  const drain = async (): Promise<void> => {
    for (;;) {
      const stale = [...views.values()].find((v) => v.push !== push);
      if (!stale) return;
      const snap = refresh(stale);
      for (const s of [...stale.streams]) s.onSnapshot(snap);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };

  const refresh = (view: View): XdsSnapshot => {
    if (view.push !== push || !view.snapshot) {
      const start = performance.now();
      const warnings: string[] = [];
      const generated = generateResources(view.proxy, push, { warn: (m) => warnings.push(m) });
      const warningKey = warnings.join('\n');
      if (warningKey !== (view.lastWarnings ?? '')) {
        view.lastWarnings = warningKey;
        if (warnings.length > 0) hooks.onWarnings?.(view.proxy, warnings);
      }
      const accepted = acceptResources(view.proxy, generated, view.resources);
      view.resources = hooks.transform ? hooks.transform(view.proxy, accepted.resources) : accepted.resources;
      const outcome = accepted.violations.map((v) => `${v.typeUrl} ${v.resourceName} ${v.field} ${v.message}`).join('\n');
      if (outcome !== (view.lastOutcome ?? '')) {
        view.lastOutcome = outcome;
        if (accepted.violations.length > 0) hooks.onWithheld?.(view.proxy, accepted);
      }
      view.snapshot = encodeSnapshot(view.resources);
      view.push = push;
      hooks.onGenerated?.(view.proxy, performance.now() - start);
    }
    return view.snapshot;
  };

  return {
    watch(node: coreV3.Node, onSnapshot: (s: XdsSnapshot) => void): () => void {
      const proxy = parseProxy({ id: node.id, metadata: node.metadata ?? {} });
      const stream: Stream = { nodeId: node.id, proxy, onSnapshot, key: configViewKey(proxy, push) };
      streams.add(stream);
      onSnapshot(refresh(join(stream)));
      return () => {
        streams.delete(stream);
        leave(stream);
      };
    },
    setPush(next: PushContext): Promise<void> {
      push = next;
      for (const stream of streams) {
        const key = configViewKey(stream.proxy, push);
        if (key === stream.key) continue;
        leave(stream);
        stream.key = key;
        join(stream);
      }
      draining ??= drain().finally(() => { draining = undefined; });
      return draining;
    },
    resourcesFor(proxyId: string) {
      const stream = [...streams].find((s) => s.nodeId === proxyId) ?? [...streams].find((s) => s.nodeId.split('~')[2] === proxyId);
      const view = stream ? views.get(stream.key) : undefined;
      if (!view) return undefined;
      refresh(view);
      return { proxy: stream!.proxy, resources: view.resources! };
    },
    viewCount: () => views.size,
  };
}
