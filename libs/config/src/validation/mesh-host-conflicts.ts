// istioctl analyze's IST0109 ConflictingMeshGatewayVirtualServiceHosts (analyzers/virtualservice/conflictingmeshgatewayhosts.go).
import type { VirtualServiceConfig } from '../kinds.js';
import type { ConfigProblem } from '../problem.js';
import { at, createCollector } from './collector.js';
import { hostsOverlap } from './hostname.js';

interface Claim {
  readonly vs: VirtualServiceConfig;
  readonly index: number;
}

/** analyze's ConvertHostToFQDN: a name without a dot is a service of the VirtualService's namespace. */
function toFqdn(host: string, ns: string, suffix: string): string {
  return host.includes('.') ? host : `${host}.${ns}.svc.${suffix}`;
}

/** The namespaces a VirtualService's hosts are visible in: `*` when exported to all (or exportTo unset). */
function scopes(vs: VirtualServiceConfig): string[] {
  const exportTo = vs.spec.exportTo ?? [];
  if (exportTo.length === 0 || exportTo.includes('*')) return ['*'];
  return [...new Set(exportTo.map((e) => (e === '.' ? vs.metadata.namespace : e)))];
}

/**
 * Reports analyze's IST0109 as warnings: VirtualServices bound to the mesh (no gateways, or `mesh`
 * among them) whose hosts are the same in a namespace scope, on every VirtualService involved,
 * once each, in analyze's words. As analyze, a host visible in one namespace also conflicts with
 * the hosts visible everywhere that it overlaps (wildcards included).
 */
export function checkMeshHostConflicts(vss: readonly VirtualServiceConfig[], suffix: string, problems: ConfigProblem[]): void {
  const claims = new Map<string, Claim[]>();
  for (const vs of vss) {
    const gateways = vs.spec.gateways ?? [];
    if (gateways.length > 0 && !gateways.includes('mesh')) continue;
    for (const scope of scopes(vs)) {
      (vs.spec.hosts ?? []).forEach((h, index) => {
        const key = `${scope}/${toFqdn(h, vs.metadata.namespace, suffix)}`;
        const list = claims.get(key) ?? [];
        list.push({ vs, index });
        claims.set(key, list);
      });
    }
  }
  const exportedToAll = [...claims].filter(([key]) => key.startsWith('*/'));
  const reported = new Set<VirtualServiceConfig>();
  for (const [key, own] of claims) {
    const slash = key.indexOf('/');
    const fqdn = key.slice(slash + 1);
    const list = key.startsWith('*/') ? own : [...own, ...exportedToAll.filter(([k]) => hostsOverlap(fqdn, k.slice(2))).flatMap(([, l]) => l)];
    if (list.length < 2) continue;
    const names = list.map((e) => `${e.vs.metadata.namespace}/${e.vs.metadata.name}`).sort().join(',');
    for (const { vs, index } of list) {
      if (reported.has(vs)) continue;
      reported.add(vs);
      const c = createCollector({ kind: vs.kind, namespace: vs.metadata.namespace, name: vs.metadata.name, ...(vs.origin ? { origin: vs.origin } : {}) }, problems);
      c.warn(at('spec.hosts', index), `The VirtualServices ${names} associated with mesh gateway define the same host ${key} which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.`, 'IST0109');
    }
  }
}
