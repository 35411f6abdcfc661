import type { ConfigObject, MeshConfig } from '@minipilot/config';
import type { PushContext } from '@minipilot/translation';

/** Every namespace (a change that any proxy may see). */
export const ALL_NAMESPACES = '*';

/**
 * The namespaces whose sidecars can see a change: for a VirtualService or DestinationRule, the
 * namespaces it is exported to before or after the change (istiod's SidecarScope dependency filter:
 * a proxy is pushed only for config it can see), and for a VirtualService also the namespaces every
 * root VirtualService delegating to it is exported to (a delegate reaches proxies only merged into
 * its roots, whose namespaces its own exportTo need not name); for any other kind, every namespace.
 */
export function affectedNamespaces(changedKeys: ReadonlySet<string>, before: PushContext, after: PushContext): ReadonlySet<string> {
  const out = new Set<string>();
  for (const key of changedKeys) {
    const kind = key.slice(0, key.indexOf('/'));
    if (kind !== 'VirtualService' && kind !== 'DestinationRule') return new Set([ALL_NAMESPACES]);
    const namespaces: string[] = [];
    for (const o of [before.config.objects.get(key), after.config.objects.get(key)]) if (o) namespaces.push(...exportedTo(o, after.mesh));
    if (kind === 'VirtualService') namespaces.push(...rootNamespaces(key, before), ...rootNamespaces(key, after));
    for (const ns of namespaces) {
      if (ns === ALL_NAMESPACES) return new Set([ALL_NAMESPACES]);
      out.add(ns);
    }
  }
  return out;
}

/** The namespaces the roots delegating to the VirtualService `key` (`VirtualService/ns/name`) are exported to in `push`. */
function rootNamespaces(key: string, push: PushContext): string[] {
  const [, ns = '', name = ''] = key.split('/');
  return push.delegateRoots(ns, name).flatMap((root) => root.exportTo);
}

function exportedTo(o: ConfigObject, mesh: MeshConfig): readonly string[] {
  if (o.kind !== 'VirtualService' && o.kind !== 'DestinationRule') return [ALL_NAMESPACES];
  const declared = o.spec.exportTo && o.spec.exportTo.length > 0 ? o.spec.exportTo : o.kind === 'VirtualService' ? mesh.defaultVirtualServiceExportTo : mesh.defaultDestinationRuleExportTo;
  return declared.map((e) => (e === '.' ? o.metadata.namespace : e));
}
