import type { LocalityLoadBalancerSetting, MeshConfig, TrafficPolicy } from '@minipilot/config';
import type { endpointV3 } from '@minipilot/envoy-api';
import { localityToString, REGION_LABEL, SUBZONE_LABEL, ZONE_LABEL } from '../model/locality.js';
import type { EndpointModel, Locality } from '../model/service.js';

/** The network topology label: istiod skips it when it heads `failoverPriority` and does not match. */
const NETWORK_LABEL = 'topology.istio.io/network';

/**
 * The locality load-balancing setting that applies to a cluster, as istiod's GetEffectiveLbSetting
 * resolves it: the DestinationRule's `localityLbSetting` (for this port and subset), else the
 * mesh's (istiod's default mesh config has `{enabled: true}`); `enabled: false` at the level that
 * wins turns locality load balancing off. Undefined when none applies.
 */
export function effectiveLocalitySetting(policy: TrafficPolicy | undefined, mesh: MeshConfig): LocalityLoadBalancerSetting | undefined {
  const dr = policy?.loadBalancer?.localityLbSetting;
  const setting = dr ?? mesh.localityLbSetting;
  return setting && setting.enabled !== false ? setting : undefined;
}

/**
 * What a cluster's load assignment needs from the proxy under locality load balancing, or
 * undefined when its endpoints do not depend on the proxy at all. istiod changes EDS only with
 * `distribute` weights, or with failover, which needs outlier detection on the cluster ("Failover
 * should only be applied with outlier detection, or traffic will never failover").
 */
export interface LocalityLbPlan {
  readonly setting: LocalityLoadBalancerSetting;
  readonly failover: boolean;
}

/** The {@link LocalityLbPlan} of a cluster with the given effective policy, or undefined. */
export function localityLbPlan(policy: TrafficPolicy | undefined, mesh: MeshConfig): LocalityLbPlan | undefined {
  const setting = effectiveLocalitySetting(policy, mesh);
  if (!setting) return undefined;
  const failover = policy?.outlierDetection !== undefined;
  if (!hasDistribute(setting) && !failover) return undefined;
  return { setting, failover };
}

/**
 * The part of a load assignment's cache key the proxy contributes under `plan`: its locality and,
 * for `failoverPriority`, its values of the priority labels (as istiod's EndpointBuilder key).
 */
export function localityLbKey(plan: LocalityLbPlan, locality: Locality, labels: Readonly<Record<string, string>>): string {
  const priority = failoverPriorityLabels(plan.setting);
  const values = priority.map((p) => `${p}:${proxyLabelValue(p, labels)}`).join(' ');
  return `${localityToString(locality)}|${values}`;
}

/**
 * True when istiod sets `common_lb_config.locality_weighted_lb_config` on the cluster
 * (LocalityLBSettings.ApplyToCluster): `distribute` is set, or failover (outlier detection) with
 * `failover` or `failoverPriority` entries.
 */
export function wantsLocalityWeightedLbConfig(plan: LocalityLbPlan | undefined): boolean {
  if (!plan) return false;
  const s = plan.setting;
  return hasDistribute(s) || (plan.failover && ((s.failover?.length ?? 0) > 0 || (s.failoverPriority?.length ?? 0) > 0));
}

/**
 * Applies locality load balancing to a freshly built load assignment, as istiod's
 * ApplyLocalityLoadBalancer: `distribute` sets locality weights (applyLocalityWeights); otherwise,
 * with failover, `failoverPriority` splits localities by label matches (applyFailoverPriorities)
 * and the region/zone/subzone distance to the proxy, with `failover` regions, sets priorities
 * (applyLocalityFailover). `groups[i]` holds the endpoints of `cla.endpoints[i]`.
 */
export function applyLocalityLb(cla: endpointV3.ClusterLoadAssignment, groups: readonly (readonly EndpointModel[])[], plan: LocalityLbPlan, locality: Locality, labels: Readonly<Record<string, string>>): void {
  const s = plan.setting;
  if (hasDistribute(s)) {
    applyLocalityWeights(cla, locality, s.distribute!);
  } else if (plan.failover) {
    if ((s.failoverPriority?.length ?? 0) > 0) {
      applyFailoverPriorities(cla, groups, labels, s.failoverPriority!);
      if ((s.failover?.length ?? 0) > 0) applyLocalityFailover(cla, locality, s.failover!);
    } else {
      applyLocalityFailover(cla, locality, s.failover ?? []);
    }
  }
}

function hasDistribute(s: LocalityLoadBalancerSetting): boolean {
  return (s.distribute?.length ?? 0) > 0;
}

/** istiod's FailoverPriorityLabels: only without `distribute` (the setting is enabled here). */
function failoverPriorityLabels(s: LocalityLoadBalancerSetting): readonly string[] {
  return hasDistribute(s) ? [] : s.failoverPriority ?? [];
}

function proxyLabelValue(entry: string, labels: Readonly<Record<string, string>>): string {
  return labels[entry] ?? '';
}

/** istiod's LocalityMatch: a rule `region[/zone[/subzone]]` whose parts are `*`, empty or equal. */
function localityMatch(l: Locality, rule: string): boolean {
  const [region = '', zone = '', subZone = ''] = splitN(rule, '/', 3);
  return (region === '*' || l.region === region) && (zone === '*' || zone === '' || l.zone === zone) && (subZone === '*' || subZone === '' || l.subZone === subZone);
}

function splitN(s: string, sep: string, n: number): string[] {
  const parts = s.split(sep);
  return parts.length <= n ? parts : [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

function localityOf(g: endpointV3.LocalityLbEndpoints): Locality {
  return { region: g.locality?.region ?? '', zone: g.locality?.zone ?? '', subZone: g.locality?.subZone ?? '' };
}

/** applyLocalityWeights: the first `distribute` entry whose `from` matches the proxy sets the weights. */
function applyLocalityWeights(cla: endpointV3.ClusterLoadAssignment, proxy: Locality, distribute: NonNullable<LocalityLoadBalancerSetting['distribute']>): void {
  const rule = distribute.find((d) => localityMatch(proxy, d.from ?? ''));
  if (!rule) return;
  const unmatched = new Set(cla.endpoints.map((_g, i) => i));
  for (const [dest, weight] of Object.entries(rule.to ?? {})) {
    const original = new Map<number, number>();
    let total = 0;
    for (const i of unmatched) {
      const g = cla.endpoints[i]!;
      if (!localityMatch(localityOf(g), dest)) continue;
      unmatched.delete(i);
      const w = g.loadBalancingWeight ?? 1;
      original.set(i, w);
      total += w;
    }
    // A wildcard destination matching several localities shares its weight by their own weights.
    for (const [i, w] of original) {
      const share = (w * weight) / total;
      if (share > 0) cla.endpoints[i]!.loadBalancingWeight = Math.ceil(share);
    }
  }
  for (const i of unmatched) cla.endpoints[i]!.lbEndpoints = [];
}

/**
 * applyLocalityFailover: priority 0 same subzone, 1 same zone, 2 same region, 3 other regions, 4
 * other regions than the `failover` target of the proxy's region; composed with any earlier
 * priority (×5), then renumbered 0..N without gaps.
 */
function applyLocalityFailover(cla: endpointV3.ClusterLoadAssignment, proxy: Locality, failover: NonNullable<LocalityLoadBalancerSetting['failover']>): void {
  for (const g of cla.endpoints) {
    const l = localityOf(g);
    let p = l.region !== proxy.region ? 3 : l.zone !== proxy.zone ? 2 : l.subZone !== proxy.subZone ? 1 : 0;
    if (p === 3) {
      const rule = failover.find((f) => f.from === proxy.region);
      if (rule && l.region !== rule.to) p = 4;
    }
    g.priority = g.priority * 5 + p;
  }
  compactPriorities(cla.endpoints);
}

/**
 * applyFailoverPriorities: each locality is split by how many leading `failoverPriority` labels
 * its endpoints share with the proxy (`label=value` entries compare with the given value; a
 * leading network label that differs is skipped but ranks after every match), then priorities
 * are renumbered 0..N. Nothing changes for a proxy without labels.
 */
function applyFailoverPriorities(cla: endpointV3.ClusterLoadAssignment, groups: readonly (readonly EndpointModel[])[], proxyLabels: Readonly<Record<string, string>>, priorities: readonly string[]): void {
  if (Object.keys(proxyLabels).length === 0 || groups.length === 0) return;
  const lowest = priorities.length;
  const withNetwork = lowest > 0 && priorities[0] === NETWORK_LABEL;
  const entries = priorities.map((p) => {
    const [label = '', value] = p.split('=');
    return { label, value: p.includes('=') && p.split('=').length === 2 ? value! : undefined };
  });
  const out: endpointV3.LocalityLbEndpoints[] = [];
  cla.endpoints.forEach((g, gi) => {
    const eps = groups[gi] ?? [];
    const byPriority = new Map<number, number[]>();
    eps.forEach((e, i) => {
      const labels = endpointTopologyLabels(e);
      let priority = 0;
      let adjust = 0;
      for (let j = 0; j < entries.length; j++) {
        const { label, value } = entries[j]!;
        const want = value ?? proxyLabels[label] ?? '';
        if (want !== (labels[label] ?? '')) {
          if (j === 0 && withNetwork) {
            adjust = lowest;
            continue;
          }
          priority = lowest - j;
          break;
        }
      }
      priority += adjust;
      const list = byPriority.get(priority) ?? [];
      list.push(i);
      byPriority.set(priority, list);
    });
    for (const p of [...byPriority.keys()].sort((a, b) => a - b)) {
      const members = byPriority.get(p)!.map((i) => g.lbEndpoints[i]!);
      out.push({ ...g, lbEndpoints: members, priority: p, loadBalancingWeight: members.reduce((sum, m) => sum + (m.loadBalancingWeight ?? 0), 0) });
    }
  });
  compactPriorities(out);
  cla.endpoints = out;
}

/** An endpoint's labels with its locality's topology labels, as istiod's endpoints carry them. */
function endpointTopologyLabels(e: EndpointModel): Readonly<Record<string, string>> {
  const l = e.locality;
  return {
    ...e.labels,
    ...(l.region ? { [REGION_LABEL]: l.region } : {}),
    ...(l.zone ? { [ZONE_LABEL]: l.zone } : {}),
    ...(l.subZone ? { [SUBZONE_LABEL]: l.subZone } : {}),
  };
}

/** Renumbers priorities to 0..N in increasing order, without gaps (Envoy requires it). */
function compactPriorities(list: endpointV3.LocalityLbEndpoints[]): void {
  const rank = new Map([...new Set(list.map((g) => g.priority))].sort((a, b) => a - b).map((p, i) => [p, i]));
  for (const g of list) g.priority = rank.get(g.priority)!;
}
