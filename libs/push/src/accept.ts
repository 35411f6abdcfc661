import { checkEnvoyResources, completeReferences, XDS_TYPES, type AcceptanceViolation, type EnvoyResources } from '@minipilot/translation';

/** What the acceptance step decided for one proxy view. */
export interface Accepted {
  readonly resources: EnvoyResources;
  /** Violations whose resources were withheld (Envoy would have NACKed them). */
  readonly violations: readonly AcceptanceViolation[];
  /** Resources served in their last good version instead of the generated one. */
  readonly keptLastGood: readonly string[];
}

type Kind = keyof EnvoyResources;
const KIND_BY_TYPE: ReadonlyMap<string, Kind> = new Map(XDS_TYPES.map((t) => [t.typeUrl, t.kind]));
const nameOf = (r: { name?: string; clusterName?: string }): string => r.name ?? r.clusterName ?? '';

/**
 * Runs the Envoy acceptance check on freshly generated resources before they are pushed. A resource
 * Envoy would reject is withheld; where the proxy view was served an accepted version of it before,
 * that last good version keeps being served (so one bad change never takes routes away), otherwise
 * the check's stand-in (an empty route configuration or load assignment) or nothing is served.
 */
export function acceptResources(proxy: { readonly istioProxy: boolean }, generated: EnvoyResources, previous: EnvoyResources | undefined): Accepted {
  const result = checkEnvoyResources(generated, { istioProxy: proxy.istioProxy });
  if (result.withheld.length === 0 || !previous) return { resources: result.accepted, violations: result.violations, keptLastGood: [] };
  const next: Record<Kind, unknown[]> = { listeners: [...result.accepted.listeners], routes: [...result.accepted.routes], clusters: [...result.accepted.clusters], endpoints: [...result.accepted.endpoints], nameTables: [...result.accepted.nameTables] };
  const kept: string[] = [];
  for (const w of result.withheld) {
    const kind = KIND_BY_TYPE.get(w.typeUrl);
    if (!kind) continue;
    const old = (previous[kind] as { name?: string; clusterName?: string }[]).find((r) => nameOf(r) === w.name);
    if (!old) continue;
    const list = next[kind] as { name?: string; clusterName?: string }[];
    const i = list.findIndex((r) => nameOf(r) === w.name);
    if (i >= 0) list[i] = old; else list.push(old);
    kept.push(`${kind}/${w.name}`);
  }
  return { resources: completeReferences(next as unknown as EnvoyResources), violations: result.violations, keptLastGood: kept };
}
