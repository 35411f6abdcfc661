import type { Locality } from './service.js';

/** The topology labels istiod reads and writes localities with (pkg/serviceregistry/util/label, istio.io/api/label). */
export const REGION_LABEL = 'topology.kubernetes.io/region';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const SUBZONE_LABEL = 'topology.istio.io/subzone';
/** istiod's (mostly internal) locality override label, `region.zone.subzone` with dots (model.LocalityLabel). */
export const ISTIO_LOCALITY_LABEL = 'istio-locality';

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
 * The locality a set of workload labels gives, as istiod reads it (ads.go localityFromProxyLabels,
 * kube controller getPodLocality): the topology labels when any is set, else the `istio-locality`
 * label (dots as separators); undefined when none is present.
 */
export function localityFromLabels(labels: Readonly<Record<string, string>>): Locality | undefined {
  const region = labels[REGION_LABEL];
  const zone = labels[ZONE_LABEL];
  const subZone = labels[SUBZONE_LABEL];
  if (region !== undefined || zone !== undefined || subZone !== undefined) return { region: region ?? '', zone: zone ?? '', subZone: subZone ?? '' };
  const override = labels[ISTIO_LOCALITY_LABEL];
  return override ? parseLocality(override.replaceAll('.', '/')) : undefined;
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
