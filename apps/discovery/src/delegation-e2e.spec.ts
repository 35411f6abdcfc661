import { register as registerXds } from '@grpc/grpc-js-xds';
import { until } from './testing/greeter.js';
import { startGreeterLab, type GreeterLab } from './testing/greeter-lab.js';

// VirtualService delegation through a real @grpc/grpc-js-xds client (issue 10, family 6): a root
// VirtualService in namespace `roots` (exported everywhere) delegates to `greeter-routes` in namespace
// `teams`, which is exported only to `roots`, as istiod requires. The client in `default` follows the
// merged routes, and follows an edit of the delegate alone: the delegate is not visible from `default`,
// so only the root's export reaches the client (libs/push affectedNamespaces) and only the delegate's
// revision in the root's cache key (virtualHostKey) makes the routes change.
registerXds();

const NODE_ID = 'sidecar~127.0.0.1~client-0.default~default.svc.cluster.local';

const root = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: greeter-root, namespace: roots}
spec:
  hosts: [greeter.default.svc.cluster.local]
  http:
  - match: [{headers: {x-team: {exact: a}}}]
    delegate: {name: greeter-routes, namespace: teams}
  - route: [{destination: {host: greeter.default.svc.cluster.local, subset: v1}}]
`;

/** The delegate: team-a RPCs with `x-version: v2` go to `headerTo`, the other team-a RPCs to `restTo`. */
const delegate = (headerTo: string, restTo: string): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: greeter-routes, namespace: teams}
spec:
  exportTo: [roots]
  http:
  - match: [{headers: {x-version: {exact: v2}}}]
    route: [{destination: {host: greeter.default.svc.cluster.local, subset: ${headerTo}}}]
  - route: [{destination: {host: greeter.default.svc.cluster.local, subset: ${restTo}}}]
`;

describe('end to end: delegate VirtualServices → minipilot → grpc-js-xds client', () => {
  let lab: GreeterLab;

  beforeAll(async () => {
    lab = await startGreeterLab(NODE_ID, { 'root.yaml': root, 'delegate.yaml': delegate('v2', 'v1') });
  });

  afterAll(async () => {
    await lab?.stop();
  });

  const callMany = async (n: number, md?: Record<string, string>): Promise<Set<string>> => {
    const out = new Set<string>();
    for (let i = 0; i < n; i++) out.add(await lab.client.call(md));
    return out;
  };

  it('routes by the merged matches: root header ∩ delegate header', async () => {
    expect(await callMany(10, { 'x-team': 'a', 'x-version': 'v2' })).toEqual(new Set(['v2']));
    expect(await callMany(10, { 'x-team': 'a' })).toEqual(new Set(['v1']));
    // The delegate's header alone does not match: the root's condition is part of the merged match.
    expect(await callMany(10, { 'x-version': 'v2' })).toEqual(new Set(['v1']));
  });

  it('follows an edit of the delegate alone', async () => {
    lab.write('delegate.yaml', delegate('v1', 'v2'));
    await until('team-a RPCs to move to v2', 5000, async () => ((await lab.client.call({ 'x-team': 'a' })) === 'v2' ? true : undefined));
    expect(await callMany(10, { 'x-team': 'a' })).toEqual(new Set(['v2']));
    expect(await callMany(10, { 'x-team': 'a', 'x-version': 'v2' })).toEqual(new Set(['v1']));
    expect(await callMany(10)).toEqual(new Set(['v1']));
  });
});
