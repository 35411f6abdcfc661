import { toJson } from '@bufbuild/protobuf';
import { listenerV3, envoyRegistry } from '@minipilot/envoy-api';
import { withMeshDefaults } from '@minipilot/config';
import { generateResources, parseProxy, resourcesToJson, checkConsistent, rdsNamesOf } from '../index.js';
import { labPush } from '../testing/lab-config.js';

const productpage = parseProxy({ id: 'sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local' });

describe('sidecar generator (bookinfo, istio-translation.md §12)', () => {
  const res = generateResources(productpage, labPush());
  const json = resourcesToJson(res);
  const listener = (name: string): any => json.listeners.find((l: any) => l.name === name);

  it('builds per-port outbound listeners, virtualOutbound and virtualInbound with istiod names', () => {
    expect(res.listeners.map((l) => l.name)).toEqual(expect.arrayContaining(['0.0.0.0_9080', 'virtualOutbound', 'virtualInbound']));
    const l = listener('0.0.0.0_9080');
    expect(l.address.socketAddress).toEqual({ address: '0.0.0.0', portValue: 9080 });
    expect(l.bindToPort).toBe(false);
    expect(l.trafficDirection).toBe('OUTBOUND');
    expect(l.filterChains[0].filterChainMatch).toEqual({ transportProtocol: 'raw_buffer', applicationProtocols: ['http/1.1', 'h2c'] });
    expect(l.defaultFilterChain.name).toBe('PassthroughFilterChain');
    expect(rdsNamesOf(res.listeners.find((x) => x.name === '0.0.0.0_9080')!)).toEqual(['9080']);
    const hcm = l.filterChains[0].filters[0].typedConfig;
    expect(hcm.statPrefix).toBe('outbound_0.0.0.0_9080;');
    expect(hcm.httpFilters.map((f: any) => f.name)).toEqual(['envoy.filters.http.grpc_stats', 'envoy.filters.http.fault', 'envoy.filters.http.cors', 'envoy.filters.http.router']);
    const vo = listener('virtualOutbound');
    expect(vo.address.socketAddress.portValue).toBe(15001);
    expect(vo.useOriginalDst).toBe(true);
    expect(vo.filterChains.map((c: any) => c.name)).toEqual(['virtualOutbound-blackhole', 'virtualOutbound-catchall-tcp']);
    expect(vo.filterChains[1].filters[0].typedConfig.cluster).toBe('PassthroughCluster');
  });

  it('gives virtualInbound a chain for the proxy own service port to inbound|9080||', () => {
    const vi = listener('virtualInbound');
    expect(vi.address.socketAddress.portValue).toBe(15006);
    const chain = vi.filterChains.find((c: any) => c.name === '0.0.0.0_9080');
    expect(chain.filterChainMatch.destinationPort).toBe(9080);
    const rc = chain.filters[0].typedConfig.routeConfig;
    expect(rc.name).toBe('inbound|9080||');
    expect(rc.virtualHosts[0].name).toBe('inbound|http|9080');
    expect(rc.virtualHosts[0].routes[0].route.cluster).toBe('inbound|9080||');
    expect(vi.defaultFilterChain.filters[0].typedConfig.cluster).toBe('InboundPassthroughCluster');
  });

  it('routes "9080": a virtual host per service with istiod domains, VirtualService routes, then allow_any', () => {
    const rc: any = json.routes.find((r: any) => r.name === '9080');
    expect(rc.virtualHosts.map((v: any) => v.name)).toEqual([
      'details.default.svc.cluster.local:9080', 'productpage.default.svc.cluster.local:9080',
      'ratings.default.svc.cluster.local:9080', 'reviews.default.svc.cluster.local:9080', 'allow_any',
    ]);
    const reviews = rc.virtualHosts[3];
    expect(reviews.domains).toEqual(['reviews.default.svc.cluster.local', 'reviews.default.svc.cluster.local.', 'reviews', 'reviews.default.svc', 'reviews.default', '10.96.10.13']);
    expect(reviews.routes[0].route.cluster).toBe('outbound|9080|v1|reviews.default.svc.cluster.local');
    expect(rc.validateClusters).toBe(false);
    expect(rc.ignorePortInHostMatching).toBe(true);
    expect(rc.virtualHosts[4].routes[0].route.cluster).toBe('PassthroughCluster');
    expect(checkConsistent(res)).toEqual([]);
  });

  it('uses the default route without a VirtualService, and block_all / BlackHoleCluster under REGISTRY_ONLY', () => {
    const push = labPush('', withMeshDefaults({ outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } }));
    const strict = resourcesToJson(generateResources(productpage, push));
    const rc: any = strict.routes.find((r: any) => r.name === '9080');
    expect(rc.virtualHosts.at(-1)).toMatchObject({ name: 'block_all', domains: ['*'], routes: [{ directResponse: { status: 502 } }] });
    const vo: any = strict.listeners.find((l: any) => l.name === 'virtualOutbound');
    expect(vo.filterChains[1].filters[0].typedConfig.cluster).toBe('BlackHoleCluster');
    const noVs = resourcesToJson(generateResources(productpage, labPush(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec: {hosts: [nothing.example.com], http: [{route: [{destination: {host: nothing.example.com}}]}]}
`)));
    const reviews = (noVs.routes.find((r: any) => r.name === '9080') as any).virtualHosts.find((v: any) => v.name.startsWith('reviews'));
    expect(reviews.routes).toEqual([expect.objectContaining({ name: 'default', match: { prefix: '/' }, decorator: { operation: 'reviews.default.svc.cluster.local:9080/*' } })]);
    expect(reviews.routes[0].route).toMatchObject({ cluster: 'outbound|9080||reviews.default.svc.cluster.local', timeout: '0s', retryPolicy: { numRetries: 2 } });
  });

  it('sends istio.* filters only to istio-proxy (ISTIO_VERSION set), never to a stock Envoy', () => {
    const names = (m: Record<string, unknown>) => {
      const r = generateResources(parseProxy({ id: productpage.id, metadata: m }), labPush());
      const l = r.listeners.find((x) => x.name === '0.0.0.0_9080')!;
      return (toJson(listenerV3.ListenerSchema, l, { registry: envoyRegistry }) as any).filterChains[0].filters[0].typedConfig.httpFilters.map((f: any) => f.name);
    };
    expect(names({}).some((n: string) => n.startsWith('istio.'))).toBe(false);
    expect(names({ ISTIO_VERSION: '1.28.0' })).toEqual(['istio.metadata_exchange', 'envoy.filters.http.grpc_stats', 'istio.alpn', 'envoy.filters.http.fault', 'envoy.filters.http.cors', 'istio.stats', 'envoy.filters.http.router']);
  });
});
