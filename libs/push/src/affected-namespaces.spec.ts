import { affectedNamespaces, ALL_NAMESPACES } from './affected-namespaces.js';
import { delegation, pushOf, twoNamespaceConfig } from './testing/two-namespaces.js';

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
