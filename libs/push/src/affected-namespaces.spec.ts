import { loadYaml, type ConfigObject } from '@minipilot/config';
import { affectedNamespaces, ALL_NAMESPACES } from './affected-namespaces.js';
import { pushOf, twoNamespaceConfig } from './testing/two-namespaces.js';

// A root VirtualService in namespace `a` (exported to `a` and `b`) delegating to `routes` in
// namespace `c`, exported only where istiod needs it: to `a`, the root's namespace.
const delegation = (subset: string, rootExportTo = "['.', b]"): ConfigObject[] => [...loadYaml(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web-root, namespace: a}
spec:
  hosts: [web]
  exportTo: ${rootExportTo}
  http: [{match: [{uri: {prefix: /}}], delegate: {name: routes, namespace: c}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: routes, namespace: c}
spec:
  exportTo: [a]
  http: [{route: [{destination: {host: web.a.svc.cluster.local, subset: ${subset}}}]}]
`).objects];

describe('affectedNamespaces', () => {
  it('a VirtualService edit reaches the namespaces it is exported to', () => {
    const before = twoNamespaceConfig();
    const after = twoNamespaceConfig({ weightA: 10 });
    expect([...affectedNamespaces(new Set(['VirtualService/a/web']), pushOf(before), pushOf(after, before))]).toEqual(['a']);
  });

  it('a delegate edit also reaches the namespaces its roots are exported to', () => {
    const before = [...twoNamespaceConfig(), ...delegation('v1')];
    const after = [...twoNamespaceConfig(), ...delegation('v2')];
    const got = affectedNamespaces(new Set(['VirtualService/c/routes']), pushOf(before), pushOf(after, before));
    expect([...got].sort()).toEqual(['a', 'b']);
  });

  it('a delegate whose root is exported everywhere reaches every namespace', () => {
    const before = [...twoNamespaceConfig(), ...delegation('v1', "['*']")];
    const after = [...twoNamespaceConfig(), ...delegation('v2', "['*']")];
    expect([...affectedNamespaces(new Set(['VirtualService/c/routes']), pushOf(before), pushOf(after, before))]).toEqual([ALL_NAMESPACES]);
  });
});
