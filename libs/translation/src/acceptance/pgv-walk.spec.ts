import { create, getOption, hasOption, type DescMessage, type MessageInitShape } from '@bufbuild/protobuf';
import { anyPack, AnySchema, DurationSchema } from '@bufbuild/protobuf/wkt';
import { clusterV3, coreV3, envoyRegistry, hcmV3, listenerV3, routerV3, routeV3, validate, xdsTypeV3, endpointV3 } from '@minipilot/envoy-api';
import { validateEnvoyMessage } from './pgv-walk.js';

const ads = { configSourceSpecifier: { case: 'ads' as const, value: {} } };
function goodCluster(init: Partial<Omit<clusterV3.Cluster, '$typeName'>> = {}): clusterV3.Cluster {
  const c = create(clusterV3.ClusterSchema, {
    name: 'outbound|9080||reviews.default.svc.cluster.local',
    clusterDiscoveryType: { case: 'type', value: clusterV3.Cluster_DiscoveryType.EDS },
    edsClusterConfig: { serviceName: 'outbound|9080||reviews.default.svc.cluster.local', edsConfig: ads },
    connectTimeout: create(DurationSchema, { seconds: 10n }),
  });
  return Object.assign(c, init);
}
const rules = (p: { field: string; rule: string }[]) => p.map((x) => `${x.field} ${x.rule}`);
function hcmListener(hcm: MessageInitShape<typeof hcmV3.HttpConnectionManagerSchema>): listenerV3.Listener {
  const full = create(hcmV3.HttpConnectionManagerSchema, {
    statPrefix: 'outbound_0.0.0.0_9080',
    routeSpecifier: { case: 'rds', value: { routeConfigName: '9080', configSource: ads } },
    httpFilters: [{ name: 'envoy.filters.http.router', configType: { case: 'typedConfig', value: anyPack(routerV3.RouterSchema, create(routerV3.RouterSchema)) } }],
    ...hcm,
  });
  return create(listenerV3.ListenerSchema, {
    name: '0.0.0.0_9080',
    address: { address: { case: 'socketAddress', value: { address: '0.0.0.0', portSpecifier: { case: 'portValue', value: 9080 } } } },
    filterChains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', configType: { case: 'typedConfig', value: anyPack(hcmV3.HttpConnectionManagerSchema, full) } }] }],
  });
}

describe('the PGV rule engine over Envoy descriptors', () => {
  it('reads the rules from the descriptors rather than a copy', () => {
    const name = clusterV3.ClusterSchema.field['name']!;
    expect(hasOption(name, validate.rules)).toBe(true);
    expect(getOption(name, validate.rules).type).toMatchObject({ case: 'string', value: { minLen: 1n } });
  });

  it('accepts a well-formed EDS cluster', () => {
    expect(validateEnvoyMessage(clusterV3.ClusterSchema, goodCluster())).toEqual([]);
  });

  it('reports string.min_len for a cluster without a name', () => {
    expect(validateEnvoyMessage(clusterV3.ClusterSchema, goodCluster({ name: '' }))).toEqual([
      { field: 'name', rule: 'string.min_len', message: 'value "" has 0 characters, must be at least 1' },
    ]);
  });

  it('reports duration.gt for a zero connect timeout and duration.valid for a malformed one', () => {
    expect(rules(validateEnvoyMessage(clusterV3.ClusterSchema, goodCluster({ connectTimeout: create(DurationSchema, {}) })))).toEqual(['connect_timeout duration.gt']);
    expect(rules(validateEnvoyMessage(clusterV3.ClusterSchema, goodCluster({ connectTimeout: create(DurationSchema, { seconds: 1n, nanos: -5 }) })))).toEqual(['connect_timeout duration.valid']);
  });

  it('reports enum.defined_only for an undefined enum number', () => {
    expect(rules(validateEnvoyMessage(clusterV3.ClusterSchema, goodCluster({ lbPolicy: 99 as clusterV3.Cluster_LbPolicy })))).toEqual(['lb_policy enum.defined_only']);
  });

  it('applies a wrapper field\'s rules to its unboxed value only when set', () => {
    const bad = goodCluster({ outlierDetection: create(clusterV3.OutlierDetectionSchema, { maxEjectionPercent: 150 }) });
    expect(rules(validateEnvoyMessage(clusterV3.ClusterSchema, bad))).toEqual(['outlier_detection.max_ejection_percent uint32.lte']);
    const unset = goodCluster({ outlierDetection: create(clusterV3.OutlierDetectionSchema, {}) });
    expect(validateEnvoyMessage(clusterV3.ClusterSchema, unset)).toEqual([]);
  });

  it('checks uint32 ranges inside repeated messages (endpoint weight 0, port above 65535)', () => {
    const cla = create(endpointV3.ClusterLoadAssignmentSchema, {
      clusterName: 'c',
      endpoints: [{ lbEndpoints: [
        { hostIdentifier: { case: 'endpoint', value: { address: { address: { case: 'socketAddress', value: { address: '10.0.0.1', portSpecifier: { case: 'portValue', value: 70000 } } } } } }, loadBalancingWeight: 0 },
      ] }],
    });
    expect(rules(validateEnvoyMessage(endpointV3.ClusterLoadAssignmentSchema, cla))).toEqual([
      'endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value uint32.lte',
      'endpoints[0].lb_endpoints[0].load_balancing_weight uint32.gte',
    ]);
  });

  it('reports required messages, required oneofs, min_items and header-value regexes with their paths', () => {
    const rc = create(routeV3.RouteConfigurationSchema, {
      name: '9080',
      virtualHosts: [
        { name: 'a', domains: ['ok', 'bad\nhost'], routes: [{}] },
        { name: 'b', domains: [] },
      ],
    });
    expect(rules(validateEnvoyMessage(routeV3.RouteConfigurationSchema, rc))).toEqual([
      'virtual_hosts[0].domains[1] string.well_known_regex',
      'virtual_hosts[0].routes[0].action oneof.required',
      'virtual_hosts[0].routes[0].match message.required',
      'virtual_hosts[1].domains repeated.min_items',
    ]);
  });

  it('checks map keys with the key rules (metadata filter names must be non-empty)', () => {
    const c = goodCluster({ metadata: create(coreV3.MetadataSchema, { filterMetadata: { '': { a: 1 } } }) });
    expect(rules(validateEnvoyMessage(clusterV3.ClusterSchema, c))).toEqual(['metadata.filter_metadata[""] string.min_len']);
  });

  it('recurses into typed_config and names the inner field path', () => {
    const l = hcmListener({
      httpFilters: [
        { name: '', configType: { case: 'typedConfig', value: anyPack(routerV3.RouterSchema, create(routerV3.RouterSchema)) } },
        { name: 'envoy.filters.http.router', configType: { case: 'typedConfig', value: anyPack(routerV3.RouterSchema, create(routerV3.RouterSchema)) } },
      ],
      statPrefix: '',
    });
    expect(validateEnvoyMessage(listenerV3.ListenerSchema, l)).toEqual([
      { field: 'filter_chains[0].filters[0].typed_config.stat_prefix', rule: 'string.min_len', message: 'value "" has 0 characters, must be at least 1' },
      { field: 'filter_chains[0].filters[0].typed_config.http_filters[0].name', rule: 'string.min_len', message: 'value "" has 0 characters, must be at least 1' },
    ]);
  });

  it('reports a typed_config whose type is not in the registry', () => {
    const l = hcmListener({});
    l.filterChains[0]!.filters[0]!.configType = { case: 'typedConfig', value: create(AnySchema, { typeUrl: 'type.googleapis.com/envoy.extensions.filters.network.wasm.v3.Wasm' }) };
    expect(validateEnvoyMessage(listenerV3.ListenerSchema, l)).toEqual([
      { field: 'filter_chains[0].filters[0].typed_config', rule: 'envoy.unknown_type', message: 'unknown typed_config type "type.googleapis.com/envoy.extensions.filters.network.wasm.v3.Wasm"' },
    ]);
  });

  it('accepts istio.* TypedStruct filters for istio-proxy only, and validates TypedStructs of known types', () => {
    const ts = (name: string, typeUrl: string, value: object) => create(hcmV3.HttpFilterSchema, {
      name, configType: { case: 'typedConfig', value: anyPack(xdsTypeV3.TypedStructSchema, create(xdsTypeV3.TypedStructSchema, { typeUrl, value: value as never })) },
    });
    const router = create(hcmV3.HttpFilterSchema, { name: 'envoy.filters.http.router', configType: { case: 'typedConfig', value: anyPack(routerV3.RouterSchema, create(routerV3.RouterSchema)) } });
    const l = hcmListener({ httpFilters: [
      ts('istio.stats', 'type.googleapis.com/stats.PluginConfig', {}),
      ts('acme.filter', 'type.googleapis.com/acme.Filter', {}),
      ts('envoy.filters.http.router', 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router', { no_such_field: true }),
      router,
    ] });
    const base = 'filter_chains[0].filters[0].typed_config.http_filters';
    expect(rules(validateEnvoyMessage(listenerV3.ListenerSchema, l))).toEqual([`${base}[1].typed_config envoy.unknown_type`, `${base}[2].typed_config envoy.typed_struct`]);
    expect(rules(validateEnvoyMessage(listenerV3.ListenerSchema, l, { istioProxy: false }))).toEqual([
      `${base}[0].typed_config envoy.istio_only`, `${base}[1].typed_config envoy.unknown_type`, `${base}[2].typed_config envoy.typed_struct`,
    ]);
  });

  it('compiles every string pattern Envoy\'s descriptors use as a JS RegExp', () => {
    const seen = new Set<string>();
    const patterns: string[] = [];
    const queue: DescMessage[] = [];
    for (const t of envoyRegistry) if (t.kind === 'message') queue.push(t);
    while (queue.length > 0) {
      const t = queue.pop()!;
      if (seen.has(t.typeName)) continue;
      seen.add(t.typeName);
      queue.push(...t.nestedMessages, ...t.fields.flatMap((f) => (f.message ? [f.message] : [])));
      for (const f of t.fields) {
        if (!hasOption(f, validate.rules)) continue;
        const r = getOption(f, validate.rules);
        const s = r.type.case === 'string' ? r.type.value : r.type.case === 'repeated' && r.type.value.items?.type.case === 'string' ? r.type.value.items.type.value : undefined;
        if (s?.pattern) patterns.push(s.pattern);
      }
    }
    expect(seen.size).toBeGreaterThan(300);
    expect(patterns.length).toBeGreaterThan(0);
    for (const p of patterns) expect(() => new RegExp(p, 'u')).not.toThrow();
  });
});
