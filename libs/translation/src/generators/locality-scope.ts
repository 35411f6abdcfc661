import type { LocalityLoadBalancerSetting, TrafficPolicy } from '@minipilot/config';
import { localityToString } from '../model/locality.js';
import type { PushContext } from '../model/push-context.js';
import type { ProxyView } from '../proxy.js';

/** What locality load balancing may read from proxies under one push. */
interface LocalityUse {
  /** True when some cluster's endpoints may depend on the proxy's locality. */
  readonly used: boolean;
  /** Every `failoverPriority` label (sorted) whose proxy value may matter. */
  readonly labels: readonly string[];
}

const uses = new WeakMap<PushContext, LocalityUse>();

/**
 * The part of a proxy's scope sharing key that locality load balancing adds: empty unless some
 * DestinationRule (or the mesh) can make endpoints depend on the proxy (outlier detection, or a
 * `distribute` / `failoverPriority` setting), then the proxy's locality and its values of every
 * `failoverPriority` label. Proxies in different localities then stop sharing scope parts; the
 * per-resource cache ({@link loadAssignmentKey}) still shares every assignment that does not
 * depend on the locality.
 */
export function localityScopeKey(proxy: Pick<ProxyView, 'locality' | 'labels'>, push: PushContext): string {
  const use = localityUse(push);
  if (!use.used) return '';
  return `${localityToString(proxy.locality)}|${use.labels.map((l) => `${l}:${proxy.labels[l] ?? ''}`).join(' ')}`;
}

function localityUse(push: PushContext): LocalityUse {
  let use = uses.get(push);
  if (use) return use;
  const labels = new Set<string>();
  let used = false;
  const note = (s: LocalityLoadBalancerSetting | undefined): void => {
    if (!s || s.enabled === false) return;
    if ((s.distribute?.length ?? 0) > 0) used = true;
    for (const p of s.failoverPriority ?? []) labels.add(p.split('=')[0]!);
  };
  note(push.mesh.localityLbSetting);
  const policy = (p: TrafficPolicy | undefined): void => {
    if (!p) return;
    if (p.outlierDetection) used = true;
    note(p.loadBalancer?.localityLbSetting);
    for (const pl of p.portLevelSettings ?? []) {
      if (pl.outlierDetection) used = true;
      note(pl.loadBalancer?.localityLbSetting);
    }
  };
  for (const dr of push.config.ofKind('DestinationRule')) {
    policy(dr.spec.trafficPolicy);
    for (const s of dr.spec.subsets ?? []) policy(s.trafficPolicy);
  }
  if (labels.size > 0) used = true;
  use = { used, labels: [...labels].sort() };
  uses.set(push, use);
  return use;
}
