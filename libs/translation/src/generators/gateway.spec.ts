import { generateResources, parseProxy, resourcesToJson, checkConsistent } from '../index.js';
import { labPush } from '../testing/lab-config.js';

const ingress = parseProxy({ id: 'router~10.244.0.2~istio-ingressgateway-0.istio-system~istio-system.svc.cluster.local' });

describe('gateway generator (bookinfo ingress, istio-translation.md §6, §12)', () => {
  it('listens on the Service target port with RDS http.8080 and the bookinfo routes', () => {
    const res = generateResources(ingress, labPush());
    const json = resourcesToJson(res);
    expect(json.listeners.map((l: any) => l.name)).toEqual(['0.0.0.0_8080']);
    const l: any = json.listeners[0];
    expect(l.bindToPort).toBeUndefined();
    const hcm = l.filterChains[0].filters[0].typedConfig;
    expect(hcm.rds.routeConfigName).toBe('http.8080');
    expect(hcm.useRemoteAddress).toBe(true);
    expect(hcm.forwardClientCertDetails).toBe('SANITIZE_SET');
    const rc: any = json.routes[0];
    expect(rc.name).toBe('http.8080');
    expect(rc.virtualHosts.map((v: any) => [v.name, v.domains])).toEqual([['*:8080', ['*']]]);
    expect(rc.virtualHosts[0].routes.map((r: any) => r.match)).toEqual([
      { path: '/productpage', caseSensitive: true }, { prefix: '/static', caseSensitive: true }, { path: '/login', caseSensitive: true },
      { path: '/logout', caseSensitive: true }, { prefix: '/api/v1/products', caseSensitive: true },
    ]);
    expect(new Set(rc.virtualHosts[0].routes.map((r: any) => r.route.cluster))).toEqual(new Set(['outbound|9080||productpage.default.svc.cluster.local']));
    expect(checkConsistent(res)).toEqual([]);
  });

  it('translates server port 80 to target port 8080 but names the virtual host with the server port (httpbin-gateway)', () => {
    const res = resourcesToJson(generateResources(ingress, labPush(`apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: bookinfo-gateway, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
`)));
    expect(res.listeners.map((l: any) => l.name)).toEqual(['0.0.0.0_8080']);
    expect((res.routes[0] as any).virtualHosts[0].name).toBe('*:80');
  });

  it('serves an empty blackhole host when no VirtualService binds, and terminates TLS with SDS credentials', () => {
    const res = resourcesToJson(generateResources(ingress, labPush(`apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: secure, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [bookinfo.example.com]
    tls: {mode: SIMPLE, credentialName: bookinfo-cert}
`)));
    const l: any = res.listeners.find((x: any) => x.name === '0.0.0.0_8443');
    expect(l.filterChains[0].filterChainMatch.serverNames).toEqual(['bookinfo.example.com']);
    const tls = l.filterChains[0].transportSocket.typedConfig;
    expect(tls.commonTlsContext.tlsCertificateSdsSecretConfigs[0].name).toBe('kubernetes://bookinfo-cert');
    expect(l.filterChains[0].filters[0].typedConfig.rds.routeConfigName).toBe('https.443.https.secure.istio-system');
    expect(l.listenerFilters.map((f: any) => f.name)).toEqual(['envoy.filters.listener.tls_inspector']);
    const rc: any = res.routes.find((r: any) => r.name === 'https.443.https.secure.istio-system');
    expect(rc.virtualHosts).toEqual([{ name: 'blackhole:443', domains: ['*'] }]);
  });

  it('gives a gateway no listeners for Gateways whose selector does not match it', () => {
    const other = parseProxy({ id: 'router~10.244.0.99~egress-0.istio-system~istio-system.svc.cluster.local', metadata: { LABELS: { istio: 'egressgateway' } } });
    expect(generateResources(other, labPush()).listeners).toEqual([]);
  });

  it('reports each server istiod\'s merge drops, with istiod\'s words (model/gateway.go mergeGateways)', () => {
    const warnings: string[] = [];
    generateResources(ingress, labPush(`apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: alpha, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 9000, name: tcp, protocol: TCP}
    hosts: ["foo.bar"]
  - port: {number: 9000, name: http, protocol: HTTP}
    hosts: ["foo.bar"]
  - port: {number: 443, name: https-a, protocol: HTTPS}
    hosts: ["a.example.com"]
    tls: {mode: SIMPLE, credentialName: a}
  - port: {number: 443, name: https-b, protocol: HTTPS}
    hosts: ["a.example.com"]
    tls: {mode: SIMPLE, credentialName: b}
  - port: {number: 9001, name: tcp-2, protocol: TCP}
    name: same
    hosts: ["foo.bar"]
  - port: {number: 9002, name: tcp-3, protocol: TCP}
    name: same
    hosts: ["foo.bar"]
`), { warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([
      'Gateway default/alpha spec.servers[1]: skipping server on gateway alpha port http.9000.HTTP: conflict with existing server 9000.TCP',
      'Gateway default/alpha spec.servers[3]: skipping server on gateway default/alpha, duplicate host names: [a.example.com]',
      'Gateway default/alpha spec.servers[5]: Server name same is not unique in gateway default/alpha and may create possible issues like stat prefix collision',
    ]);
  });
});
