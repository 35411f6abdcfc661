import { create, toBinary, fromBinary, toJson, getOption, hasOption } from '@bufbuild/protobuf';
import { anyPack } from '@bufbuild/protobuf/wkt';
import { listenerV3, hcmV3, clusterV3, validate, ndsV1, envoyRegistry, messageSchemaFor, isWildcardType, TypeUrl, PUSH_ORDER } from './index.js';

describe('envoy-api', () => {
  it('round-trips a Listener with a packed HttpConnectionManager', () => {
    const hcm = create(hcmV3.HttpConnectionManagerSchema, { statPrefix: 'x', routeSpecifier: { case: 'rds', value: { routeConfigName: '80' } } });
    const listener = create(listenerV3.ListenerSchema, {
      name: 'svc:80',
      apiListener: { apiListener: anyPack(hcmV3.HttpConnectionManagerSchema, hcm) },
    });
    const back = fromBinary(listenerV3.ListenerSchema, toBinary(listenerV3.ListenerSchema, listener));
    expect(back.name).toBe('svc:80');
    const json = toJson(listenerV3.ListenerSchema, back, { registry: envoyRegistry }) as Record<string, any>;
    expect(json['apiListener']['apiListener']['@type']).toBe('type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager');
    expect(json['apiListener']['apiListener']['rds']['routeConfigName']).toBe('80');
  });

  it("round-trips istio-agent's NDS NameTable, a wildcard type like LDS and CDS (istiod IsWildcardTypeURL)", () => {
    const table = create(ndsV1.NameTableSchema, { table: { 'reviews.default.svc.cluster.local': { ips: ['10.0.0.1'], registry: 'Kubernetes', shortname: 'reviews', namespace: 'default' } } });
    const back = fromBinary(ndsV1.NameTableSchema, toBinary(ndsV1.NameTableSchema, table));
    expect(back.table['reviews.default.svc.cluster.local']?.ips).toEqual(['10.0.0.1']);
    expect(TypeUrl.NameTable).toBe('type.googleapis.com/istio.networking.nds.v1.NameTable');
    expect([TypeUrl.NameTable, TypeUrl.Listener, TypeUrl.Cluster].every(isWildcardType)).toBe(true);
    expect([TypeUrl.RouteConfiguration, TypeUrl.ClusterLoadAssignment, TypeUrl.Secret].some(isWildcardType)).toBe(false);
  });

  it('keeps protoc-gen-validate rules in the embedded descriptors', () => {
    const field = clusterV3.ClusterSchema.field['connectTimeout'];
    expect(field).toBeDefined();
    expect(hasOption(field!, validate.rules)).toBe(true);
    const rules = getOption(field!, validate.rules);
    expect(rules.type.case).toBe('duration');
  });

  it('resolves every served type URL to a schema, in push order CDS, EDS, LDS, RDS', () => {
    expect(PUSH_ORDER).toEqual([TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener, TypeUrl.RouteConfiguration]);
    for (const url of Object.values(TypeUrl)) expect(messageSchemaFor(url)?.typeName).toBe(url.split('/')[1]);
  });
});
