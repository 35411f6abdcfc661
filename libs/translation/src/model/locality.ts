import type { ConfigSnapshot, PodConfig } from '@minipilot/config';
import type { Locality } from './service.js';

/** The topology labels istiod reads and writes localities with (pkg/serviceregistry/util/label, istio.io/api/label). */
export const REGION_LABEL = 'topology.kubernetes.io/region';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const SUBZONE_LABEL = 'topology.istio.io/subzone';
/** istiod's locality override labels, first wins: `topology.istio.io/locality`, then the legacy `istio-locality` (model.GetLocalityLabel). */
export const LOCALITY_LABELS = ['topology.istio.io/locality', 'istio-locality'] as const;
/** The beta topology labels istiod still reads on Nodes when the GA ones are absent. */
const BETA_REGION_LABEL = 'failure-domain.beta.kubernetes.io/region';
const BETA_ZONE_LABEL = 'failure-domain.beta.kubernetes.io/zone';

/** The empty locality (unknown). */
export const NO_LOCALITY: Locality = Object.freeze({ region: '', zone: '', subZone: '' });

/** A `region/zone/subzone` string as a Locality (istiod's ConvertLocality; missing parts empty). */
export function parseLocality(text: string | undefined): Locality {
  if (!text) return NO_LOCALITY;
  const [region = '', zone = '', subZone = ''] = text.split('/');
  return region || zone || subZone ? { region, zone, subZone } : NO_LOCALITY;
}

/** istiod's LocalityToString: `region`, `region/zone` or `region/zone/subzone` ('' when empty). */
export function localityToString(l: Locality): string {
  if (!l.zone) return l.region;
  return l.subZone ? `${l.region}/${l.zone}/${l.subZone}` : `${l.region}/${l.zone}`;
}

/**
 * The locality a set of workload labels gives, as istiod reads a proxy's (ads.go
 * localityFromProxyLabels): the topology labels when any is set, else a locality label
 * ({@link localityLabel}); undefined when none is present.
 */
export function localityFromLabels(labels: Readonly<Record<string, string>>): Locality | undefined {
  const region = labels[REGION_LABEL];
  const zone = labels[ZONE_LABEL];
  const subZone = labels[SUBZONE_LABEL];
  if (region !== undefined || zone !== undefined || subZone !== undefined) return { region: region ?? '', zone: zone ?? '', subZone: subZone ?? '' };
  const override = localityLabel(labels);
  return override ? parseLocality(override) : undefined;
}

/**
 * The locality override label's value as a `/`-separated locality (GetLocalityLabel +
 * SanitizeLocalityLabel: Kubernetes label values cannot hold `/`, so `.` separates unless a `/` is
 * present), or undefined.
 */
export function localityLabel(labels: Readonly<Record<string, string>>): string | undefined {
  for (const name of LOCALITY_LABELS) {
    const v = labels[name];
    if (v !== undefined) return v.includes('/') ? v : v.replaceAll('.', '/');
  }
  return undefined;
}

/**
 * A Pod's locality as istiod's kube controller gives its endpoints (getPodLocality): a locality
 * label on the Pod, else the topology labels of its Node (`spec.nodeName`; GA labels, then the
 * beta `failure-domain` ones, and `topology.istio.io/subzone`). When the Node is not in the config,
 * minipilot falls back to topology labels on the Pod itself (a lab convenience istiod does not have).
 */
export function podLocality(pod: PodConfig | undefined, config: ConfigSnapshot): Locality {
  if (!pod) return NO_LOCALITY;
  const labels = pod.metadata.labels;
  const override = localityLabel(labels);
  if (override !== undefined) return parseLocality(override);
  const nodeName = pod.body.spec?.nodeName;
  const node = nodeName ? config.get('Node', '', nodeName) : undefined;
  if (node) {
    const n = node.metadata.labels;
    const region = n[REGION_LABEL] ?? n[BETA_REGION_LABEL] ?? '';
    const zone = n[ZONE_LABEL] ?? n[BETA_ZONE_LABEL] ?? '';
    const subZone = n[SUBZONE_LABEL] ?? '';
    return region || zone || subZone ? { region, zone, subZone } : NO_LOCALITY;
  }
  return localityFromLabels(labels) ?? NO_LOCALITY;
}

/** Labels with the locality's topology labels added where non-empty (istiod's AugmentLabels). */
export function withTopologyLabels(labels: Readonly<Record<string, string>>, l: Locality): Readonly<Record<string, string>> {
  if (!l.region && !l.zone && !l.subZone) return labels;
  return {
    ...labels,
    ...(l.region ? { [REGION_LABEL]: l.region } : {}),
    ...(l.zone ? { [ZONE_LABEL]: l.zone } : {}),
    ...(l.subZone ? { [SUBZONE_LABEL]: l.subZone } : {}),
  };
}
