import type { ConfigSnapshot, MutualTlsMode, PeerAuthenticationConfig } from '@minipilot/config';
import { matchesLabels } from './service-registry.js';
import { istioOrder } from './istio-order.js';

/** An effective mTLS mode (istiod's MutualTLSMode without "unknown"). */
export type MtlsMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

/**
 * The PeerAuthentication that applies to one workload, composed as istiod's
 * ComposePeerAuthentication does: `mode` for every port, `perPort` overrides by target port.
 */
export interface WorkloadMtls {
  readonly mode: MtlsMode;
  readonly perPort: ReadonlyMap<number, MtlsMode>;
  /** A short string that is equal for equal compositions (for cache keys). */
  readonly key: string;
}

/** The mode of a {@link WorkloadMtls} for a target port (istiod's GetMutualTLSModeForPort). */
export function mtlsModeForPort(w: WorkloadMtls, port: number): MtlsMode {
  return w.perPort.get(port) ?? w.mode;
}

/**
 * The PeerAuthentications of a push, indexed as istiod's AuthenticationPolicies: by namespace in
 * creation order, with the mesh-wide mode (the policy without selector in the root namespace) and
 * the namespace-wide modes.
 */
export interface PeerAuthenticationIndex {
  /**
   * The policy for a workload in `namespace` with `labels`: mesh, then namespace, then workload
   * level (a selector matching the labels, outside the root namespace), the narrowest set mode
   * winning, UNSET inheriting from the level above, the oldest policy winning within a level;
   * PERMISSIVE without any policy.
   */
  forWorkload(namespace: string, labels: Readonly<Record<string, string>>): WorkloadMtls;
  /**
   * The namespace-level mode of `namespace` for clients (istiod's GetNamespaceMutualTLSMode, as
   * BestEffortInferServiceMTLSMode uses it): the namespace's policy (UNSET inherits the mesh's),
   * else the mesh's, else PERMISSIVE.
   */
  namespaceMode(namespace: string): MtlsMode;
}

const PERMISSIVE: WorkloadMtls = Object.freeze({ mode: 'PERMISSIVE' as const, perPort: new Map<number, MtlsMode>(), key: 'PERMISSIVE' });

function isSet(mode: MutualTlsMode | undefined): mode is MtlsMode {
  return mode !== undefined && mode !== 'UNSET';
}

function hasSelector(pa: PeerAuthenticationConfig): boolean {
  return Object.keys(pa.spec.selector?.matchLabels ?? {}).length > 0;
}

/** Builds the index of the snapshot's PeerAuthentications; `rootNamespace` is MeshConfig.rootNamespace. */
export function buildPeerAuthenticationIndex(config: ConfigSnapshot, rootNamespace: string): PeerAuthenticationIndex {
  const all = [...config.ofKind('PeerAuthentication')].sort(istioOrder);
  if (all.length === 0) return { forWorkload: () => PERMISSIVE, namespaceMode: () => 'PERMISSIVE' };
  const byNamespace = new Map<string, PeerAuthenticationConfig[]>();
  // The first (oldest) policy without selector of each namespace; later ones are ignored, as istiod does.
  const namespaceWide = new Map<string, PeerAuthenticationConfig>();
  for (const pa of all) {
    const ns = pa.metadata.namespace;
    if (!hasSelector(pa)) {
      if (namespaceWide.has(ns)) continue;
      namespaceWide.set(ns, pa);
    }
    const list = byNamespace.get(ns);
    if (list) list.push(pa); else byNamespace.set(ns, [pa]);
  }
  const meshPolicy = namespaceWide.get(rootNamespace);
  const meshMode = meshPolicy ? (isSet(meshPolicy.spec.mtls?.mode) ? meshPolicy.spec.mtls.mode : 'PERMISSIVE') : undefined;
  const namespaceMode = (ns: string): MtlsMode => {
    const pa = ns === rootNamespace ? undefined : namespaceWide.get(ns);
    if (pa && isSet(pa.spec.mtls?.mode)) return pa.spec.mtls.mode;
    return meshMode ?? 'PERMISSIVE';
  };
  const cache = new Map<string, WorkloadMtls>();
  const forWorkload = (namespace: string, labels: Readonly<Record<string, string>>): WorkloadMtls => {
    const candidates = [...new Set([namespace, rootNamespace])].flatMap((ns) => byNamespace.get(ns) ?? [])
      .filter((pa) => matchesLabels(pa.spec.selector?.matchLabels ?? {}, labels));
    if (candidates.length === 0) return PERMISSIVE;
    const first = (pick: (pa: PeerAuthenticationConfig) => boolean): PeerAuthenticationConfig | undefined =>
      candidates.filter(pick).sort(istioOrder)[0];
    const mesh = first((pa) => !hasSelector(pa) && pa.metadata.namespace === rootNamespace);
    const nsLevel = first((pa) => !hasSelector(pa) && pa.metadata.namespace !== rootNamespace);
    const workload = first((pa) => hasSelector(pa) && pa.metadata.namespace !== rootNamespace);
    let mode: MtlsMode = 'PERMISSIVE';
    for (const pa of [mesh, nsLevel, workload]) if (pa && isSet(pa.spec.mtls?.mode)) mode = pa.spec.mtls.mode;
    const perPort = new Map<number, MtlsMode>();
    for (const [port, mtls] of Object.entries(workload?.spec.portLevelMtls ?? {})) perPort.set(Number(port), isSet(mtls.mode) ? mtls.mode : mode);
    const key = [mode, ...[...perPort].sort((a, b) => a[0] - b[0]).map(([p, m]) => `${p}:${m}`)].join(',');
    let shared = cache.get(key);
    if (!shared) cache.set(key, (shared = Object.freeze({ mode, perPort, key })));
    return shared;
  };
  return { forWorkload, namespaceMode };
}
