/** The cluster DNS suffix istiod assumes (`--domain cluster.local`). */
export const DEFAULT_DOMAIN_SUFFIX = 'cluster.local';

/**
 * Resolves a host as istiod does for config in namespace `ns`: a short name (`reviews`) becomes
 * `reviews.<ns>.svc.cluster.local`; names with a dot, `*` wildcards and IPs are used as written.
 */
export function resolveHost(host: string, ns: string, domainSuffix = DEFAULT_DOMAIN_SUFFIX): string {
  if (host === '*' || host.includes('.') || host.includes(':') || host.startsWith('*')) return host;
  return `${host}.${ns}.svc.${domainSuffix}`;
}

/** True if `host` is matched by `pattern` (exact, or `*.suffix` / `*` wildcard). */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === '*' || pattern === host) return true;
  if (pattern.startsWith('*')) return host.endsWith(pattern.slice(1));
  return false;
}

/** Resolves a gateway reference in a VirtualService of namespace `ns`: `gw` and `./gw` become `ns/gw`; `mesh` stays. */
export function resolveGatewayName(ref: string, ns: string): string {
  if (ref === 'mesh') return ref;
  if (ref.startsWith('./')) return `${ns}/${ref.slice(2)}`;
  if (ref.includes('/')) return ref;
  const dot = ref.indexOf('.');
  if (dot >= 0) {
    // legacy `name.namespace[.svc.cluster.local]`
    const [name, namespace] = ref.split('.');
    return `${namespace}/${name}`;
  }
  return `${ns}/${ref}`;
}
