// Locality load balancing rules (agent/validation.go: ValidateLocalityLbSetting, ValidateZoneAwareLbSetting,
// validateLocalities).
import type { LoadBalancerSettings, OutlierDetection } from '../istio/destination-rule.js';
import { at, type Collector } from './collector.js';

type LocalitySetting = NonNullable<LoadBalancerSettings['localityLbSetting']>;

/** The topology labels istiod reads a proxy's locality from (region, zone, subzone). */
const TOPOLOGY_LABELS = new Set(['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone']);

/**
 * Returns Istio's error for a list of locality names (`region[/zone[/subzone]]`, a trailing `*`
 * allowed), or undefined: no empty parts, one wildcard at the end at most, and no name covering
 * another one. As Istio, the first problem found is returned.
 */
export function localitiesError(localities: readonly string[]): string | undefined {
  const regions = new Map<string, Map<string, Map<string, boolean>>>();
  for (const locality of localities) {
    const stars = locality.split('*').length - 1;
    if (stars > 0 && (stars > 1 || !locality.endsWith('*'))) return `locality ${locality} wildcard '*' number can not exceed 1 and must be in the end`;
    const overlap = `locality ${locality} overlap with previous specified ones`;
    if (regions.has('*')) return overlap;
    const items = splitN(locality, '/', 3);
    if (items.some((i) => i === '')) return `locality ${locality} must not contain empty region/zone/subzone info`;
    const [region = '', zone = '', subZone = ''] = items;
    const zones = regions.get(region);
    if (items.length === 1) {
      if (zones) return overlap;
      regions.set(region, new Map([['*', new Map([['*', true]])]]));
    } else if (items.length === 2) {
      if (zones) {
        if (zones.has('*') || zones.has(zone)) return overlap;
        zones.set(zone, new Map([['*', true]]));
      } else {
        regions.set(region, new Map([[zone, new Map([['*', true]])]]));
      }
    } else if (zones) {
      if (zones.has('*')) return overlap;
      const subZones = zones.get(zone);
      if (subZones) {
        if (subZones.get('*') || subZones.get(subZone)) return overlap;
        subZones.set(subZone, true);
      } else {
        zones.set(zone, new Map([[subZone, true]]));
      }
    } else {
      regions.set(region, new Map([[zone, new Map([[subZone, true]])]]));
    }
  }
  return undefined;
}

/** Go's strings.SplitN(s, sep, n). */
function splitN(s: string, sep: string, n: number): string[] {
  const parts = s.split(sep);
  return parts.length <= n ? parts : [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

/** Reports Istio's rules for `localityLbSetting`; as Istio, some problems end the check. */
export function checkLocalityLbSetting(c: Collector, field: string, lb: LocalitySetting | undefined, outlier: OutlierDetection | undefined): void {
  if (!lb) return;
  const distribute = lb.distribute ?? [];
  const failover = lb.failover ?? [];
  const priority = lb.failoverPriority ?? [];
  if (distribute.length > 0 && failover.length > 0) return c.error(field, "can not simultaneously specify 'distribute' and 'failover'");
  if (failover.length > 0) {
    const label = priority.find((l) => TOPOLOGY_LABELS.has(l));
    if (label !== undefined) return c.error(at(field, 'failoverPriority'), `can not simultaneously set 'failover' and topology label '${label}' in 'failover_priority'`);
  }
  const sources: string[] = [];
  for (const [i, d] of distribute.entries()) {
    const f = at(at(field, 'distribute'), i);
    sources.push(d.from ?? '');
    let total = 0;
    for (const weight of Object.values(d.to ?? {})) {
      if (weight <= 0 || weight > 100) return c.error(at(f, 'to'), 'locality weight must be in range [1, 100]');
      total += weight;
    }
    if (total !== 100) return c.error(at(f, 'to'), `total locality weight ${total} != 100`);
    const err = localitiesError(Object.keys(d.to ?? {}));
    if (err) c.error(at(f, 'to'), err);
  }
  const srcErr = localitiesError(sources);
  if (srcErr) c.error(at(field, 'distribute'), srcErr);
  if ((failover.length > 0 || priority.length > 0) && !outlier) c.warn(field, 'outlier detection policy must be provided for failover');
  checkFailover(c, field, failover, 'locality lb failover settings must specify different regions', 'locality lb failover only specify region', "locality lb failover region should not contain '*' wildcard");
}

function checkFailover(c: Collector, field: string, failover: readonly { from?: string | undefined; to?: string | undefined }[], same: string, region: string, wildcard: string): void {
  failover.forEach((fo, i) => {
    const f = at(at(field, 'failover'), i);
    const from = fo.from ?? '';
    const to = fo.to ?? '';
    if (from === to) c.error(f, same);
    if (from.includes('/') || to.includes('/')) c.error(f, region);
    if (from.includes('*') || to.includes('*')) c.error(f, wildcard);
  });
}

/** Reports Istio's rules for `zoneAwareLbSetting`: no topology labels in failoverPriority, regions only in failover. */
export function checkZoneAwareLbSetting(c: Collector, field: string, lb: LocalitySetting | undefined, outlier: OutlierDetection | undefined): void {
  if (!lb) return;
  for (const label of lb.failoverPriority ?? []) {
    if (TOPOLOGY_LABELS.has(label)) {
      c.error(at(field, 'failoverPriority'), `'failover_priority' for zone aware lb must not use topology label '${label}'; region- and zone-level routing are handled automatically`);
    }
  }
  const failover = lb.failover ?? [];
  if ((failover.length > 0 || (lb.failoverPriority ?? []).length > 0) && !outlier) c.warn(field, 'outlier detection policy must be provided for failover');
  checkFailover(c, field, failover, 'zone aware lb failover settings must specify different regions',
    'zone aware lb failover only specifies region; zone and subzone failover are handled automatically', "zone aware lb failover region should not contain '*' wildcard");
}
