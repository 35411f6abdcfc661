import { fromBinary, toBinary, equals } from '@bufbuild/protobuf';
import { routeV3, TypeUrl } from '@minipilot/envoy-api';
import { generateResources } from './generate.js';
import { parseProxy } from './proxy.js';
import { labPush } from './testing/lab-config.js';
import { encodeXdsResource, xdsType } from './xds-types.js';

describe('encodeXdsResource', () => {
  it('encodes route configurations from per-host bytes that decode to the same message as a plain encoding', () => {
    const res = generateResources(parseProxy({ id: 'sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local' }), labPush());
    const type = xdsType(TypeUrl.RouteConfiguration)!;
    expect(res.routes.length).toBeGreaterThan(0);
    for (const rc of res.routes) {
      const bytes = encodeXdsResource(type, rc);
      expect(bytes.length).toBe(toBinary(routeV3.RouteConfigurationSchema, rc).length);
      expect(equals(routeV3.RouteConfigurationSchema, fromBinary(routeV3.RouteConfigurationSchema, bytes), rc)).toBe(true);
    }
  });
});
