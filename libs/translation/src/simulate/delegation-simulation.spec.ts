import { INGRESS_GATEWAY, serviceYaml, sidecarNode, simulateRow, type SimulationRow } from '../testing/simulation-table.js';

// VirtualService delegation (issue 10, family 6): a root VirtualService's `delegate` routes replaced
// by the delegate's routes merged into them, as istiod's virtual service controller does
// (istio/istio pilot/pkg/model/virtualservice_controller.go mergeVirtualServices; merge rules in
// pilot/pkg/model/virtualservice.go MergeHTTPRoutes, mergeHTTPRoute, mergeHTTPMatchRequests,
// hasConflict, stringMatchConflict; cases after virtualservice_test.go TestMergeHttpRoutes,
// TestMergeHTTPMatchRequests and virtualservice_controller_test.go TestControllerMergeVirtualServices).
// Requests go through the ingress gateway (root bound to istio-system/gw) and through a sidecar
// (root bound to mesh). Route names are istiod's merged names (`root-delegate`), and the
// `istio.config` metadata names the root, whose merged config istiod translates.

const gw = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
`;
/** The root: /productpage → delegate nsa/productpage, /reviews → delegate default/reviews, anything else → details. */
const root = (productpageDelegate = 'productpage', extra = ''): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bookinfo, namespace: default}
spec:
  hosts: [bookinfo.com]
  gateways: [istio-system/gw]
  http:
  - name: productpage
    match: [{uri: {prefix: /productpage}}]
    delegate: {name: ${productpageDelegate}, namespace: nsa}
  - name: reviews
    match: [{uri: {prefix: /reviews}}]
    delegate: {name: reviews}
${extra}  - route: [{destination: {host: details}}]
`;
/** Delegate in nsa: short names resolve in nsa. */
const productpageDelegate = (exportTo = '["*"]'): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: productpage, namespace: nsa}
spec:
  exportTo: ${exportTo}
  http:
  - name: v1
    match: [{uri: {prefix: /productpage/v1}}]
    route: [{destination: {host: productpage-v1}}]
  - route: [{destination: {host: productpage}}]
`;
/** Delegate in default: jason → reviews-v2; a /ratings match that cannot narrow /reviews; the rest → reviews-v1. */
const reviewsDelegate = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  http:
  - name: jason
    match: [{headers: {end-user: {exact: jason}}}]
    route: [{destination: {host: reviews-v2}}]
  - name: ratings
    match: [{uri: {prefix: /ratings}}]
    route: [{destination: {host: reviews-v2}}]
  - route: [{destination: {host: reviews-v1}}]
`;
const services = [
  serviceYaml('productpage', 'nsa', 9080, 'http', '10.96.1.1'),
  serviceYaml('productpage-v1', 'nsa', 9080, 'http', '10.96.1.2'),
  serviceYaml('reviews-v1', 'default', 9080, 'http', '10.96.1.3'),
  serviceYaml('reviews-v2', 'default', 9080, 'http', '10.96.1.4'),
  serviceYaml('details', 'default', 9080, 'http', '10.96.1.5'),
  serviceYaml('reviews', 'default', 9080, 'http', '10.96.1.6'),
];
const cluster = (host: string, ns = 'default'): string => `outbound|9080||${host}.${ns}.svc.cluster.local`;
const viaGateway = (name: string, source: string, config: string[], path: string, expect: SimulationRow['expect'], headers: Record<string, string> = {}): SimulationRow => ({
  name, source, config: [gw, ...config, ...services], proxy: INGRESS_GATEWAY, request: { host: 'bookinfo.com', port: 80, path, headers }, expect,
});
const world = [root(), productpageDelegate(), reviewsDelegate];
const vh = { listener: '0.0.0.0_80', routeConfig: 'http.80', virtualHost: 'bookinfo.com:80' } as const;

const rows: SimulationRow[] = [
  viaGateway('a delegate route narrowing the root match: root ∩ delegate, named root-delegate, short host resolved in the delegate namespace',
    'virtualservice.go mergeHTTPRoute (name root-delegate), mergeHTTPMatchRequest; virtualservice_controller.go (delegate short names resolved in its namespace)',
    world, '/productpage/v1/index', { ...vh, route: 'productpage-v1', virtualService: 'default/bookinfo', cluster: cluster('productpage-v1', 'nsa') }),
  viaGateway('a delegate route without a match takes the root match and the root name',
    'virtualservice.go mergeHTTPMatchRequests (delegate without matches → root matches), mergeHTTPRoute (name)',
    world, '/productpage', { ...vh, route: 'productpage', cluster: cluster('productpage', 'nsa') }),
  viaGateway('header match under a prefix root: both conditions (jason)',
    'virtualservice_test.go TestMergeHTTPMatchRequests "headers" (root and delegate conditions merged)',
    world, '/reviews/1', { ...vh, route: 'reviews-jason', cluster: cluster('reviews-v2') }, { 'end-user': 'jason' }),
  viaGateway('... not jason: the delegate catch-all under the root prefix',
    'virtualservice.go mergeHTTPRoute',
    world, '/reviews/1', { ...vh, route: 'reviews', cluster: cluster('reviews-v1') }),
  viaGateway('a delegate match that cannot narrow the root match drops that delegate route only (/ratings is no subset of /reviews)',
    'virtualservice.go mergeHTTPMatchRequests + stringMatchConflict; virtualservice_test.go TestMergeHTTPMatchRequests "url mismatch"',
    world, '/ratings', { ...vh, cluster: cluster('details') }),
  viaGateway('the delegate routes end at their catch-all; the root route after the delegate still serves other paths',
    'virtualservice_controller.go mergeVirtualServices (root routes kept in order around the merged ones)',
    world, '/details', { ...vh, cluster: cluster('details') }),
  viaGateway('a delegate that does not exist drops only its root route (warning "not found")',
    'virtualservice_controller.go mergeVirtualServices "delegate virtual service %s/%s of %s/%s not found"',
    [root('missing'), productpageDelegate(), reviewsDelegate], '/productpage/v1', { ...vh, cluster: cluster('details') }),
  viaGateway('a delegate not exported to the root namespace drops its root route (warning "is not exported to")',
    'virtualservice_controller.go mergeVirtualServices "delegate virtual service %s/%s of %s/%s is not exported to %s"',
    [root(), productpageDelegate('["."]'), reviewsDelegate], '/productpage/v1', { ...vh, cluster: cluster('details') }),
  viaGateway('a delegate exported to the root namespace by name is merged',
    'virtualservice_controller.go mergeVirtualServices (exportTo contains the root namespace)',
    [root(), productpageDelegate('[default]'), reviewsDelegate], '/productpage/v1', { ...vh, cluster: cluster('productpage-v1', 'nsa') }),
  viaGateway('a VirtualService with hosts is no delegate: naming it drops the root route',
    'virtualservice_controller.go delegateVirtualServices (only VirtualServices without hosts are delegates)',
    [root('with-hosts'), `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: with-hosts, namespace: nsa}
spec:
  hosts: [other.example.com]
  http: [{route: [{destination: {host: productpage-v1}}]}]
`, reviewsDelegate], '/productpage/v1', { ...vh, cluster: cluster('details') }),
  {
    name: 'a delegate is not applied on its own: a sidecar calling reviews gets the default route',
    source: 'virtualservice_controller.go mergeVirtualServices (VirtualServices without hosts are not in the merged collection)',
    config: [reviewsDelegate, ...services], proxy: sidecarNode('default'), request: { host: 'reviews', port: 9080, path: '/', headers: { 'end-user': 'jason' } },
    expect: { listener: '0.0.0.0_9080', routeConfig: '9080', virtualHost: 'reviews.default.svc.cluster.local:9080', route: 'default', cluster: cluster('reviews') },
  },
  {
    name: 'a mesh root delegating for sidecars: the merged routes serve the service host',
    source: 'virtualservice_controller_test.go TestControllerMergeVirtualServices (root bound to mesh, delegate merged)',
    config: [`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews-root, namespace: default}
spec:
  hosts: [reviews]
  http:
  - match: [{uri: {prefix: /}}]
    delegate: {name: reviews}
`, reviewsDelegate, ...services],
    proxy: sidecarNode('default'), request: { host: 'reviews', port: 9080, path: '/', headers: { 'end-user': 'jason' } },
    expect: { listener: '0.0.0.0_9080', routeConfig: '9080', virtualHost: 'reviews.default.svc.cluster.local:9080', route: 'jason', virtualService: 'default/reviews-root', cluster: cluster('reviews-v2') },
  },
];

describe('VirtualService delegation simulation (istiod model/virtualservice.go, virtualservice_controller.go)', () => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, r) => {
    expect(simulateRow(r)).toEqual(r.expect);
  });
});
