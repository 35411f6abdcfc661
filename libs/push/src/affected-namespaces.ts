import type { ConfigObject, MeshConfig } from '@minipilot/config';
import type { PushContext } from '@minipilot/translation';

/** Every namespace (a change that any proxy may see). */
export const ALL_NAMESPACES = '*';

/**
 * The namespaces whose sidecars can see a change: for a VirtualService or DestinationRule, the
 * namespaces it is exported to before or after the change (istiod's SidecarScope dependency filter:
 * a proxy is pushed only for config it can see); for any other kind, every namespace.
 */
export function affectedNamespaces(changedKeys: ReadonlySet<string>, before: PushContext, after: PushContext): ReadonlySet<string> {
  const out = new Set<string>();
  for (const key of changedKeys) {
    const kind = key.slice(0, key.indexOf('/'));
    if (kind !== 'VirtualService' && kind !== 'DestinationRule') return new Set([ALL_NAMESPACES]);
    for (const o of [before.config.objects.get(key), after.config.objects.get(key)]) {
      if (!o) continue;
      for (const ns of exportedTo(o, after.mesh)) {
        if (ns === ALL_NAMESPACES) return new Set([ALL_NAMESPACES]);
        out.add(ns);
      }
    }
  }
  return out;
}

function exportedTo(o: ConfigObject, mesh: MeshConfig): readonly string[] {
  if (o.kind !== 'VirtualService' && o.kind !== 'DestinationRule') return [ALL_NAMESPACES];
  const declared = o.spec.exportTo && o.spec.exportTo.length > 0 ? o.spec.exportTo : o.kind === 'VirtualService' ? mesh.defaultVirtualServiceExportTo : mesh.defaultDestinationRuleExportTo;
  return declared.map((e) => (e === '.' ? o.metadata.namespace : e));
}
