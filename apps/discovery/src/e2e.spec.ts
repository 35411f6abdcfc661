import { register as registerXds } from '@grpc/grpc-js-xds';
import { create } from '@bufbuild/protobuf';
import { TypeUrl, routeV3 } from '@minipilot/envoy-api';
import type { EnvoyResources } from '@minipilot/translation';
import type { XdsEvent } from '@minipilot/xds-server';
import { until } from './testing/greeter.js';
import { startGreeterLab, type GreeterLab } from './testing/greeter-lab.js';

// End to end with real parts: YAML files → minipilot → a real @grpc/grpc-js-xds client routing real
// RPCs to two real gRPC backends on 127.0.0.1.
registerXds();

const NODE_ID = 'sidecar~127.0.0.1~client-0.default~default.svc.cluster.local';

const weighted = (w1: number, w2: number): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: greeter}
spec:
  hosts: [greeter]
  http:
  - route:
    - {destination: {host: greeter, subset: v1}, weight: ${w1}}
    - {destination: {host: greeter, subset: v2}, weight: ${w2}}
`;

const headerMatch = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: greeter}
spec:
  hosts: [greeter]
  http:
  - match: [{headers: {x-version: {exact: v2}}}]
    route: [{destination: {host: greeter, subset: v2}}]
  - route: [{destination: {host: greeter, subset: v1}}]
`;


describe('end to end: YAML directory → minipilot → grpc-js-xds client', () => {
  let lab: GreeterLab;
  const events: XdsEvent[] = [];
  let breakRoutes = false;
  // A redirect route is valid for Envoy but proxyless gRPC clients reject the whole RouteConfiguration.
  const faultInjection = (_p: unknown, res: EnvoyResources): EnvoyResources => (!breakRoutes ? res : {
    ...res,
    routes: res.routes.map((rc) => create(routeV3.RouteConfigurationSchema, {
      ...rc,
      virtualHosts: rc.virtualHosts.map((vh) => ({ ...vh, routes: vh.routes.map((r) => ({ ...r, action: { case: 'redirect' as const, value: create(routeV3.RedirectActionSchema, { hostRedirect: 'example.invalid' }) } })) })),
    })),
  });

  beforeAll(async () => {
    lab = await startGreeterLab(NODE_ID, { 'vs.yaml': weighted(100, 0) }, { onXdsEvent: (e) => events.push(e), faultInjection });
  });

  afterAll(async () => {
    await lab?.stop();
  });

  const callMany = async (n: number, md?: Record<string, string>): Promise<string[]> => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(await lab.client.call(md));
    return out;
  };

  it('routes every RPC to v1 under a 100/0 split', async () => {
    expect(new Set(await callMany(20))).toEqual(new Set(['v1']));
  });

  it('moves RPCs to v2 within a second of the file changing to 0/100', async () => {
    const start = Date.now();
    lab.write('vs.yaml', weighted(0, 100));
    await until('RPCs to reach v2', 5000, async () => ((await lab.client.call()) === 'v2' ? true : undefined));
    const elapsed = Date.now() - start;
    expect(new Set(await callMany(20))).toEqual(new Set(['v2']));
    expect(elapsed).toBeLessThan(1000);
  });

  it('sends RPCs with the matching header to v2 and the rest to v1', async () => {
    lab.write('vs.yaml', headerMatch);
    await until('header route', 5000, async () => ((await lab.client.call({ 'x-version': 'v2' })) === 'v2' && (await lab.client.call()) === 'v1' ? true : undefined));
    expect(new Set(await callMany(10, { 'x-version': 'v2' }))).toEqual(new Set(['v2']));
    expect(new Set(await callMany(10, { 'x-version': 'v1' }))).toEqual(new Set(['v1']));
  });

  it('falls back to default routing across both versions when the VirtualService is deleted', async () => {
    lab.remove('vs.yaml');
    const seen = await until('both versions', 5000, async () => {
      const s = new Set(await callMany(10));
      return s.size === 2 ? s : undefined;
    });
    expect(seen).toEqual(new Set(['v1', 'v2']));
  });

  it('saw the client ACK all four resource types', () => {
    const acked = new Set(events.filter((e) => e.kind === 'ack' && e.nodeId === NODE_ID).map((e) => (e as { typeUrl: string }).typeUrl));
    for (const t of [TypeUrl.Listener, TypeUrl.RouteConfiguration, TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment]) expect(acked).toContain(t);
  });

  it('records a NACK for a route the client rejects, does not resend it, and recovers when it is fixed', async () => {
    const sendsOfRds = (): number => events.filter((e) => e.kind === 'send' && e.typeUrl === TypeUrl.RouteConfiguration).length;
    breakRoutes = true;
    lab.write('vs.yaml', weighted(100, 0));
    const nack = await until('a NACK', 5000, async () => events.find((e) => e.kind === 'nack' && e.typeUrl === TypeUrl.RouteConfiguration));
    expect(nack.kind === 'nack' && nack.message).toMatch(/redirect|action/i);
    expect(lab.server.xds.nacks().some((n) => n.nodeId === NODE_ID && n.typeUrl === TypeUrl.RouteConfiguration)).toBe(true);
    const after = sendsOfRds();
    await new Promise((r) => setTimeout(r, 500));
    expect(sendsOfRds()).toBe(after);
    // The client keeps its last good routes (default routing: both versions) meanwhile.
    expect(['v1', 'v2']).toContain(await lab.client.call());
    breakRoutes = false;
    lab.write('vs.yaml', weighted(0, 100));
    await until('recovery to v2', 5000, async () => ((await lab.client.call()) === 'v2' ? true : undefined));
  });
});
