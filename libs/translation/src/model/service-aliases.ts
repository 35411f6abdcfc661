import type { ServiceConfig } from '@minipilot/config';
import { DEFAULT_DOMAIN_SUFFIX } from './host.js';

/** An ExternalName Service seen as an alias of another host (istiod's NamespacedHostname of `Attributes.Aliases`). */
export interface ServiceAlias {
  /** The alias's own FQDN, e.g. `alias.default.svc.cluster.local`. */
  readonly hostname: string;
  readonly namespace: string;
}

/** True for a Service istiod ≥ 1.21 converts to an alias (resolution Alias): `type: ExternalName` with a non-empty `externalName`. */
export function isExternalNameAlias(svc: ServiceConfig): boolean {
  return svc.spec.type === 'ExternalName' && (svc.spec.externalName ?? '') !== '';
}

/**
 * The aliases of every concrete host, as istiod's resolveServiceAliases computes them
 * (pilot/pkg/model/push_context.go, ENABLE_EXTERNAL_NAME_ALIAS, on by default since 1.21): each
 * ExternalName Service `A` with `externalName: X` is an alias of `X`, following chains of
 * ExternalNames (`A → B → C` makes `A` an alias of `C`; hostnames only, as an externalName is not
 * namespaced); a loop resolves to nothing, as Kubernetes DNS answers NXDOMAIN. Lists are sorted by
 * namespace, then hostname. The concrete host need not exist: then nothing uses the alias.
 */
export function resolveServiceAliases(services: readonly ServiceConfig[], domainSuffix = DEFAULT_DOMAIN_SUFFIX): ReadonlyMap<string, readonly ServiceAlias[]> {
  const raw = new Map<string, { alias: ServiceAlias; target: string }>();
  const byHostname = new Map<string, string>();
  for (const svc of services) {
    if (!isExternalNameAlias(svc)) continue;
    const alias = { hostname: `${svc.metadata.name}.${svc.metadata.namespace}.svc.${domainSuffix}`, namespace: svc.metadata.namespace };
    const target = svc.spec.externalName!.toLowerCase().replace(/\.$/, '');
    raw.set(`${alias.namespace}/${alias.hostname}`, { alias, target });
    byHostname.set(alias.hostname, target);
  }
  const out = new Map<string, ServiceAlias[]>();
  for (const { alias, target } of raw.values()) {
    let concrete: string | undefined = target;
    const seen = new Set([alias.hostname, target]);
    while (concrete !== undefined && byHostname.has(concrete)) {
      const next: string = byHostname.get(concrete)!;
      concrete = seen.has(next) ? undefined : next;
      if (concrete !== undefined) seen.add(concrete);
    }
    if (concrete === undefined) continue;
    const list = out.get(concrete);
    if (list) list.push(alias); else out.set(concrete, [alias]);
  }
  for (const list of out.values()) list.sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : 0));
  return out;
}

/**
 * The names a client may use for an alias, as istiod generates them for virtual host domains and
 * SNI (GenerateAltVirtualHosts without port): the FQDN, the absolute FQDN with a trailing dot, and
 * the short forms seen from `proxyNamespace` (`alias`, `alias.default.svc`, `alias.default` in its
 * own namespace; `alias.default`, `alias.default.svc` from another).
 */
export function aliasNames(alias: ServiceAlias, proxyNamespace: string): string[] {
  const name = alias.hostname.slice(0, alias.hostname.indexOf('.'));
  const ns = alias.namespace;
  const short = ns === proxyNamespace ? [name, `${name}.${ns}.svc`, `${name}.${ns}`] : [`${name}.${ns}`, `${name}.${ns}.svc`];
  return [alias.hostname, `${alias.hostname}.`, ...short];
}
