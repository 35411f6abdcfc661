import type { HTTPMatchRequest } from '@minipilot/config';
import { hasMatchConflict, mergeHttpMatchRequests, mergeHttpRoute, stringMatchConflict } from './virtual-service-delegation.js';
import { generateResources, parseProxy } from '../index.js';
import { labPush } from '../testing/lab-config.js';

// Cases from istio/istio pilot/pkg/model/virtualservice_test.go (TestMergeHTTPMatchRequests,
// TestHasConflict, TestMergeHttpRoutes), restated with our types.
const uri = (kind: 'exact' | 'prefix' | 'regex', value: string): HTTPMatchRequest => ({ uri: { [kind]: value } });

describe('mergeHttpMatchRequests (virtualservice_test.go TestMergeHTTPMatchRequests)', () => {
  const cases: [string, HTTPMatchRequest[], HTTPMatchRequest[], HTTPMatchRequest[] | undefined][] = [
    ['url match', [uri('prefix', '/productpage')], [uri('exact', '/productpage/v1')], [uri('exact', '/productpage/v1')]],
    ['url regex noconflict', [uri('regex', '^/productpage')], [{}], [uri('regex', '^/productpage')]],
    ['url regex conflict', [uri('regex', '^/productpage')], [uri('prefix', '/productpage')], undefined],
    ['multi url match', [uri('prefix', '/productpage'), uri('prefix', '/reviews')], [uri('exact', '/productpage/v1'), uri('exact', '/reviews/v1')],
      [uri('exact', '/productpage/v1'), uri('exact', '/reviews/v1')]],
    ['url mismatch', [uri('prefix', '/productpage')], [uri('exact', '/reviews')], undefined],
    ['one delegate match conflicting fails the whole route', [uri('prefix', '/productpage')], [uri('exact', '/productpage/v1'), uri('exact', '/reviews')], undefined],
    ['headers (no delegate match)', [{ headers: { header: { exact: 'h1' } } }], [], [{ headers: { header: { exact: 'h1' } } }]],
    ['headers conflict', [{ headers: { header: { exact: 'h1' } } }], [{ headers: { header: { exact: 'h2' } } }], undefined],
    ['headers united', [{ headers: { header: { exact: 'h1' } } }], [{ headers: { 'header-2': { exact: 'h2' } } }], [{ headers: { header: { exact: 'h1' }, 'header-2': { exact: 'h2' } } }]],
    ['complicated merge (root port, authority, headers carried to each delegate match)',
      [{ uri: { prefix: '/productpage' }, headers: { header: { exact: 'h1' } }, port: 8080, authority: { exact: 'productpage.com' } }],
      [uri('exact', '/productpage/v1'), uri('exact', '/productpage/v2')],
      ['/productpage/v1', '/productpage/v2'].map((p) => ({ uri: { exact: p }, headers: { header: { exact: 'h1' } }, port: 8080, authority: { exact: 'productpage.com' } }))],
    ['conflicted merge (port)', [{ uri: { prefix: '/productpage' }, port: 8080 }], [uri('exact', '/productpage/v1'), { uri: { exact: '/productpage/v2' }, port: 9090 }], undefined],
    ['gateway merge', [{ uri: { prefix: '/productpage' }, gateways: ['ingress-gateway', 'mesh'] }],
      [{ uri: { exact: '/productpage/v1' }, gateways: ['ingress-gateway'] }, { uri: { exact: '/productpage/v2' }, gateways: ['mesh'] }],
      [{ uri: { exact: '/productpage/v1' }, gateways: ['ingress-gateway'] }, { uri: { exact: '/productpage/v2' }, gateways: ['mesh'] }]],
    ['gateway conflicted merge', [{ uri: { prefix: '/productpage' }, gateways: ['ingress-gateway'] }],
      [{ uri: { exact: '/productpage/v1' }, gateways: ['ingress-gateway'] }, { uri: { exact: '/productpage/v2' }, gateways: ['mesh'] }], undefined],
    ['source labels merge', [{ sourceLabels: { app: 'test' } }], [{ sourceLabels: { version: 'v1' } }], [{ sourceLabels: { app: 'test', version: 'v1' } }]],
  ];
  it.each(cases)('%s', (_name, root, delegate, expected) => {
    expect(mergeHttpMatchRequests(root, delegate)).toEqual(expected);
  });
});

describe('hasMatchConflict / stringMatchConflict (virtualservice_test.go TestHasConflict)', () => {
  const cases: [string, HTTPMatchRequest, HTTPMatchRequest, boolean][] = [
    ['regex uri', uri('regex', '^/productpage'), uri('regex', '^/productpage'), true],
    ['regex uri in root and delegate does not have uri', uri('regex', '^/productpage'), {}, false],
    ['regex uri in delegate and root does not have uri', {}, uri('regex', '^/productpage'), false],
    ['regex uri in root and delegate has conflicting uri match', uri('regex', '^/productpage'), uri('exact', '/productpage'), true],
    ['regex uri in delegate and root has conflicting uri match', uri('exact', '/productpage'), uri('regex', '^/productpage'), true],
    ['match uri', uri('exact', '/productpage'), uri('exact', '/productpage'), false],
    ['mismatch uri', uri('prefix', '/productpage2'), uri('exact', '/productpage'), true],
    ['match uri (prefix)', uri('prefix', '/productpage'), uri('exact', '/productpage/v1'), false],
    ['headers not equal', { headers: { header: { exact: 'h1' } } }, { headers: { header: { exact: 'h2' } } }, true],
    ['headers equal', { headers: { header: { exact: 'h1' } } }, { headers: { header: { exact: 'h1' } } }, false],
    ['headers prefix mismatch', { headers: { header: { prefix: 'h1' } } }, { headers: { header: { prefix: 'h2' } } }, true],
    ['diff headers', { headers: { header: { exact: 'h1' } } }, { headers: { header2: { exact: 'h1' } } }, false],
    ['withoutHeaders mismatch', { withoutHeaders: { header: { prefix: 'h1' } } }, { withoutHeaders: { header: { exact: 'h2' } } }, true],
    ['port equal', { port: 0 }, { port: 8080 }, false],
    ['port differs', { port: 9090 }, { port: 8080 }, true],
    ['sourceLabels mismatch', { sourceLabels: { a: 'b' } }, { sourceLabels: { a: 'c' } }, true],
    ['sourceNamespace mismatch', { sourceNamespace: 'test1' }, { sourceNamespace: 'test2' }, true],
    ['root has less gateways than delegate', { gateways: ['ingress-gateway'] }, { gateways: ['ingress-gateway', 'mesh'] }, true],
    ['ignoreUriCase differs', { ignoreUriCase: true }, {}, true],
  ];
  it.each(cases)('%s', (_name, root, leaf, conflict) => {
    expect(hasMatchConflict(root, leaf)).toBe(conflict);
  });

  it('an empty root StringMatch conflicts with any set leaf (stringMatchConflict falls through to true)', () => {
    expect(stringMatchConflict({}, { exact: '/a' })).toBe(true);
    expect(stringMatchConflict(undefined, { exact: '/a' })).toBe(false);
  });
});

describe('mergeHttpRoute (virtualservice_test.go TestMergeHttpRoutes)', () => {
  it('the delegate keeps its own fields and takes the root\'s where it sets none; names join with "-"', () => {
    const merged = mergeHttpRoute(
      { name: 'root', match: [{ uri: { prefix: '/' } }], timeout: '5s', retries: { attempts: 3 }, headers: { request: { set: { a: 'root' } } }, delegate: { name: 'd' } },
      { name: 'leaf', match: [{ uri: { prefix: '/v1' } }], timeout: '1s', route: [{ destination: { host: 'x' } }] },
    );
    expect(merged).toEqual({
      name: 'root-leaf', match: [{ uri: { prefix: '/v1' } }], timeout: '1s', retries: { attempts: 3 }, headers: { request: { set: { a: 'root' } } }, route: [{ destination: { host: 'x' } }],
    });
  });

  it('is undefined when the matches conflict', () => {
    expect(mergeHttpRoute({ match: [{ uri: { prefix: '/a' } }] }, { match: [{ uri: { prefix: '/b' } }] })).toBeUndefined();
  });
});

describe('delegation warnings (virtualservice_controller.go mergeVirtualServices)', () => {
  it('reports a missing delegate, an unexported delegate and a conflicting delegate route with istiod\'s words', () => {
    const warnings: string[] = [];
    const ingress = parseProxy({ id: 'router~10.244.0.2~istio-ingressgateway-0.istio-system~istio-system.svc.cluster.local', labels: { istio: 'ingressgateway' } });
    generateResources(ingress, labPush(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: root, namespace: default}
spec:
  hosts: ["*"]
  gateways: [bookinfo-gateway]
  http:
  - {name: a, match: [{uri: {prefix: /a}}], delegate: {name: missing}}
  - {name: b, match: [{uri: {prefix: /b}}], delegate: {name: private, namespace: other}}
  - {name: c, match: [{uri: {prefix: /c}}], delegate: {name: leaf}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: private, namespace: other}
spec:
  exportTo: ["."]
  http: [{route: [{destination: {host: ratings.default.svc.cluster.local}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: leaf, namespace: default}
spec:
  http: [{name: elsewhere, match: [{uri: {prefix: /z}}], route: [{destination: {host: ratings}}]}]
`), { warn: (m) => warnings.push(m) });
    expect(warnings.filter((w) => w.includes('default/root'))).toEqual([
      'VirtualService default/root: delegate virtual service default/missing of default/root not found',
      'VirtualService default/root: delegate virtual service other/private of default/root is not exported to default',
      'VirtualService default/root: HTTPMatchRequests conflict: root route c, delegate route elsewhere',
    ]);
  });
});
