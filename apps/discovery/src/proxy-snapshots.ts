import type { coreV3 } from '@minipilot/envoy-api';
import type { SnapshotSource, XdsSnapshot } from '@minipilot/xds-server';
import { parseProxy, proxyViewKey, generateResources, type Proxy, type PushContext, type EnvoyResources } from '@minipilot/translation';
import { encodeSnapshot } from './encode.js';
import { acceptResources, type Accepted } from './accept.js';

interface View {
  readonly proxy: Proxy;
  readonly watchers: Set<(s: XdsSnapshot) => void>;
  push?: PushContext;
  resources?: EnvoyResources;
  snapshot?: XdsSnapshot;
  lastOutcome?: string;
  lastWarnings?: string;
}

/** The snapshot source the xDS server reads, plus what the debug endpoints need. */
export interface ProxySnapshots extends SnapshotSource {
  /** Installs a new push context: every watched view is regenerated once and its watchers notified. */
  setPush(push: PushContext): void;
  /** The resources a connected proxy currently gets, by node id or `pod.namespace`. */
  resourcesFor(proxyId: string): { proxy: Proxy; resources: EnvoyResources } | undefined;
  /** Number of distinct views (groups of proxies sharing one snapshot). */
  viewCount(): number;
}

/**
 * Groups proxies by {@link proxyViewKey}: proxies that must get identical config share one
 * generated and encoded snapshot. A view is regenerated once per push context, and dropped when its
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
  const byNodeId = new Map<string, string>();

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
      const key = proxyViewKey(proxy);
      let view = views.get(key);
      if (!view) {
        view = { proxy, watchers: new Set() };
        views.set(key, view);
      }
      view.watchers.add(onSnapshot);
      byNodeId.set(node.id, key);
      onSnapshot(refresh(view));
      const v = view;
      return () => {
        v.watchers.delete(onSnapshot);
        if (v.watchers.size === 0) views.delete(key);
      };
    },
    setPush(next: PushContext): void {
      push = next;
      for (const view of views.values()) {
        const snap = refresh(view);
        for (const w of [...view.watchers]) w(snap);
      }
    },
    resourcesFor(proxyId: string) {
      const key = byNodeId.get(proxyId) ?? [...byNodeId.entries()].find(([id]) => id.split('~')[2] === proxyId)?.[1];
      const view = key ? views.get(key) : undefined;
      if (!view) return undefined;
      refresh(view);
      return { proxy: view.proxy, resources: view.resources! };
    },
    viewCount: () => views.size,
  };
}
