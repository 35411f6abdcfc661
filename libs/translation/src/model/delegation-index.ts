import type { MeshConfig, VirtualServiceConfig } from '@minipilot/config';
import { resolveGatewayName, resolveHost } from './host.js';
import { mergeDelegates, type DelegateCandidate } from './virtual-service-delegation.js';
import type { VirtualServiceModel } from './push-context.js';

/** The push context's VirtualService models and the index from a delegate to the roots naming it. */
export interface DelegationIndex {
  readonly virtualServices: readonly VirtualServiceModel[];
  delegateRoots(namespace: string, name: string): readonly VirtualServiceModel[];
}

/**
 * Splits VirtualServices (in istiod's order) as istiod's virtual service controller does: those
 * without hosts are delegates, applied only through a root; the others become models with hosts
 * and gateways resolved in their namespace, `exportTo` resolved (the mesh default when empty), and
 * their delegate routes merged (`mergeDelegates`). Also indexes, per delegate name, the roots that
 * name it, so a change of a delegate can be traced to the roots it affects.
 */
export function indexDelegation(sorted: readonly VirtualServiceConfig[], mesh: MeshConfig): DelegationIndex {
  const exportToOf = (vs: VirtualServiceConfig): string[] => {
    const ns = vs.metadata.namespace;
    const exp = vs.spec.exportTo && vs.spec.exportTo.length > 0 ? vs.spec.exportTo : mesh.defaultVirtualServiceExportTo;
    return exp.map((e) => (e === '.' ? ns : e));
  };
  const delegates = new Map<string, DelegateCandidate>();
  for (const vs of sorted) {
    if ((vs.spec.hosts ?? []).length === 0) delegates.set(`${vs.metadata.namespace}/${vs.metadata.name}`, { config: vs, exportTo: exportToOf(vs) });
  }
  const roots = new Map<string, VirtualServiceModel[]>();
  const virtualServices: VirtualServiceModel[] = [];
  for (const vs of sorted) {
    const ns = vs.metadata.namespace;
    if ((vs.spec.hosts ?? []).length === 0) continue;
    const gws = vs.spec.gateways && vs.spec.gateways.length > 0 ? vs.spec.gateways : ['mesh'];
    const merged = mergeDelegates(vs, (dns, name) => delegates.get(`${dns}/${name}`));
    const model: VirtualServiceModel = Object.freeze({
      config: vs,
      hosts: (vs.spec.hosts ?? []).map((h) => resolveHost(h, ns)),
      gateways: gws.map((g) => resolveGatewayName(g, ns)),
      exportTo: exportToOf(vs),
      http: merged?.http ?? vs.spec.http ?? [],
      delegates: merged?.delegates ?? [],
      delegationWarnings: merged?.warnings ?? [],
    });
    virtualServices.push(model);
    for (const r of vs.spec.http ?? []) {
      if (!r.delegate) continue;
      const key = `${r.delegate.namespace || ns}/${r.delegate.name ?? ''}`;
      const list = roots.get(key);
      if (!list) roots.set(key, [model]); else if (!list.includes(model)) list.push(model);
    }
  }
  const none: readonly VirtualServiceModel[] = Object.freeze([]);
  return { virtualServices, delegateRoots: (namespace, name) => roots.get(`${namespace}/${name}`) ?? none };
}
