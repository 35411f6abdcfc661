import { create } from '@bufbuild/protobuf';
import { coreV3, routeV3 } from '@minipilot/envoy-api';
import { configRefOf, describeRouteMatch } from './describe-config.js';

describe('configRefOf', () => {
  it('reads the istio.config path istiod puts in metadata, and nothing else', () => {
    const meta = (config: unknown) => create(coreV3.MetadataSchema, { filterMetadata: { istio: { config } as never } });
    expect(configRefOf(meta('/apis/networking.istio.io/v1/namespaces/default/virtual-service/reviews'))).toEqual({ kind: 'virtual-service', namespace: 'default', name: 'reviews' });
    expect(configRefOf(meta('/apis/networking.istio.io/v1alpha3/namespaces/bookinfo/destination-rule/ratings'))).toEqual({ kind: 'destination-rule', namespace: 'bookinfo', name: 'ratings' });
    expect(configRefOf(meta('reviews'))).toBeUndefined();
    expect(configRefOf(meta(7))).toBeUndefined();
    expect(configRefOf(undefined)).toBeUndefined();
  });
});

describe('describeRouteMatch', () => {
  const match = (init: Parameters<typeof create<typeof routeV3.RouteMatchSchema>>[1]) => create(routeV3.RouteMatchSchema, init);
  it('prints paths as istioctl does, and header and query conditions on request', () => {
    expect(describeRouteMatch(match({ pathSpecifier: { case: 'prefix', value: '/' } }))).toBe('/*');
    expect(describeRouteMatch(match({ pathSpecifier: { case: 'path', value: '/login' } }))).toBe('/login');
    expect(describeRouteMatch(match({ pathSpecifier: { case: 'safeRegex', value: { regex: '/v[0-9]+' } } }))).toBe('regex /v[0-9]+');
    const withHeaders = match({
      pathSpecifier: { case: 'prefix', value: '/' },
      headers: [
        { name: 'end-user', headerMatchSpecifier: { case: 'stringMatch', value: { matchPattern: { case: 'exact', value: 'jason' } } } },
        { name: 'x-canary', invertMatch: true, headerMatchSpecifier: { case: 'presentMatch', value: true } },
      ],
      queryParameters: [{ name: 'debug', queryParameterMatchSpecifier: { case: 'stringMatch', value: { matchPattern: { case: 'prefix', value: 'on' } } } }],
    });
    expect(describeRouteMatch(withHeaders)).toBe('/*');
    expect(describeRouteMatch(withHeaders, { headers: true })).toBe('/* end-user=jason !x-canary ?debug=on*');
    expect(describeRouteMatch(undefined)).toBe('');
  });
});
