import { labPush } from '../testing/lab-config.js';
import { cdsEds, edsJson, INGRESS_ID, PRODUCTPAGE_ID, proxyFor, thresholds } from '../testing/cluster-fixtures.js';

// Expectations follow istiod's output as described in shared/research/istio-translation.md §3, §12.
const host = (s: string) => `${s}.default.svc.cluster.local`;
const REVIEWS = 'outbound|9080||reviews.default.svc.cluster.local';
const MX_FILTER = {
  name: 'istio.metadata_exchange',
  typedConfig: {
    '@type': 'type.googleapis.com/udpa.type.v1.TypedStruct',
    typeUrl: 'type.googleapis.com/envoy.tcp.metadataexchange.config.MetadataExchange',
    value: { protocol: 'istio-peer-exchange', enable_discovery: true },
  },
};

describe('bookinfo CDS for the productpage sidecar', () => {
  const push = labPush();

  it('has every service port, every DestinationRule subset and the special and inbound clusters', () => {
    const { names } = cdsEds(proxyFor(PRODUCTPAGE_ID), push);
    expect(names).toEqual(expect.arrayContaining([
      'outbound|9080||details.default.svc.cluster.local', 'outbound|9080|v1|details.default.svc.cluster.local', 'outbound|9080|v2|details.default.svc.cluster.local',
      'outbound|9080||productpage.default.svc.cluster.local', 'outbound|9080|v1|productpage.default.svc.cluster.local',
      'outbound|9080||ratings.default.svc.cluster.local', 'outbound|9080|v1|ratings.default.svc.cluster.local', 'outbound|9080|v2|ratings.default.svc.cluster.local',
      'outbound|9080|v2-mysql|ratings.default.svc.cluster.local', 'outbound|9080|v2-mysql-vm|ratings.default.svc.cluster.local',
      REVIEWS, 'outbound|9080|v1|reviews.default.svc.cluster.local', 'outbound|9080|v2|reviews.default.svc.cluster.local', 'outbound|9080|v3|reviews.default.svc.cluster.local',
      'outbound|80||httpbin.org',
      'BlackHoleCluster', 'PassthroughCluster', 'inbound|9080||', 'InboundPassthroughCluster',
    ]));
    expect(new Set(names).size).toBe(names.length);
  });

  it('builds the default cluster field by field for stock Envoy (no istio.* filter, no mesh mTLS)', () => {
    const { clusters } = cdsEds(proxyFor(PRODUCTPAGE_ID), push);
    expect(clusters.get(REVIEWS)).toEqual({
      name: REVIEWS,
      type: 'EDS',
      edsClusterConfig: edsJson(REVIEWS),
      connectTimeout: '10s',
      lbPolicy: 'LEAST_REQUEST',
      circuitBreakers: thresholds(),
      commonLbConfig: {},
      altStatName: `${REVIEWS};`,
      metadata: { filterMetadata: { istio: {
        services: [{ host: host('reviews'), name: 'reviews', namespace: 'default' }],
        config: '/apis/networking.istio.io/v1/namespaces/default/destination-rule/reviews',
      } } },
    });
  });

  it('gives subset clusters their own EDS name and the subset in metadata', () => {
    const { clusters } = cdsEds(proxyFor(PRODUCTPAGE_ID), push);
    const v2 = 'outbound|9080|v2|reviews.default.svc.cluster.local';
    expect(clusters.get(v2).edsClusterConfig).toEqual(edsJson(v2));
    expect(clusters.get(v2).metadata.filterMetadata.istio).toEqual({
      services: [{ host: host('reviews'), name: 'reviews', namespace: 'default' }],
      config: '/apis/networking.istio.io/v1/namespaces/default/destination-rule/reviews',
      subset: 'v2',
    });
  });

  it('adds the metadata-exchange filter and auto-mTLS transport socket matches for istio-proxy', () => {
    const { clusters } = cdsEds(proxyFor(PRODUCTPAGE_ID, 'istio'), push);
    const c = clusters.get('outbound|9080|v1|reviews.default.svc.cluster.local');
    expect(c.filters).toEqual([MX_FILTER]);
    expect(c.transportSocket).toBeUndefined();
    expect(c.transportSocketMatches.map((m: any) => [m.name, m.match])).toEqual([['tlsMode-istio', { tlsMode: 'istio' }], ['tlsMode-disabled', {}]]);
    const tls = c.transportSocketMatches[0].transportSocket;
    expect(tls.name).toBe('envoy.transport_sockets.tls');
    expect(tls.typedConfig.sni).toBe('outbound_.9080_.v1_.reviews.default.svc.cluster.local');
    expect(tls.typedConfig.commonTlsContext.alpnProtocols).toEqual(['istio-peer-exchange', 'istio']);
    expect(tls.typedConfig.commonTlsContext.tlsCertificateSdsSecretConfigs[0].name).toBe('default');
    expect(tls.typedConfig.commonTlsContext.tlsCertificateSdsSecretConfigs[0].sdsConfig.apiConfigSource.grpcServices).toEqual([{ envoyGrpc: { clusterName: 'sds-grpc' } }]);
    expect(tls.typedConfig.commonTlsContext.combinedValidationContext).toMatchObject({
      defaultValidationContext: { matchSubjectAltNames: [{ exact: 'spiffe://cluster.local/ns/default/sa/bookinfo-reviews' }] },
      validationContextSdsSecretConfig: { name: 'ROOTCA' },
    });
    expect(c.transportSocketMatches[1].transportSocket).toEqual({
      name: 'envoy.transport_sockets.raw_buffer',
      typedConfig: { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer' },
    });
  });

  it('builds BlackHoleCluster, PassthroughCluster and InboundPassthroughCluster as istiod', () => {
    const { clusters } = cdsEds(proxyFor(PRODUCTPAGE_ID, 'istio'), push);
    expect(clusters.get('BlackHoleCluster')).toEqual({ name: 'BlackHoleCluster', type: 'STATIC', connectTimeout: '10s', altStatName: 'BlackHoleCluster;' });
    const passthroughOptions = {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
        commonHttpProtocolOptions: { idleTimeout: '300s' },
        useDownstreamProtocolConfig: { httpProtocolOptions: {}, http2ProtocolOptions: {} },
      },
    };
    expect(clusters.get('PassthroughCluster')).toEqual({
      name: 'PassthroughCluster', type: 'ORIGINAL_DST', connectTimeout: '10s', lbPolicy: 'CLUSTER_PROVIDED',
      circuitBreakers: thresholds(), altStatName: 'PassthroughCluster;', typedExtensionProtocolOptions: passthroughOptions, filters: [MX_FILTER],
    });
    expect(clusters.get('InboundPassthroughCluster')).toEqual({
      name: 'InboundPassthroughCluster', type: 'ORIGINAL_DST', connectTimeout: '10s', lbPolicy: 'CLUSTER_PROVIDED',
      circuitBreakers: thresholds(), altStatName: 'PassthroughCluster;', typedExtensionProtocolOptions: passthroughOptions,
      upstreamBindConfig: { sourceAddress: { address: '127.0.0.6', portValue: 0 } },
    });
  });

  it('builds the inbound cluster for its own service port', () => {
    const { clusters } = cdsEds(proxyFor(PRODUCTPAGE_ID, 'istio'), push);
    expect(clusters.get('inbound|9080||')).toEqual({
      name: 'inbound|9080||', type: 'ORIGINAL_DST', connectTimeout: '10s', lbPolicy: 'CLUSTER_PROVIDED', circuitBreakers: thresholds(),
      cleanupInterval: '9223372035s', upstreamBindConfig: { sourceAddress: { address: '127.0.0.6', portValue: 0 } },
      commonLbConfig: {}, altStatName: 'inbound|9080||;',
      metadata: { filterMetadata: { istio: { services: [{ host: host('productpage'), name: 'productpage', namespace: 'default' }] } } },
    });
  });

  it('sends inbound traffic to 127.0.0.1 under inboundTrafficPolicy LOCALHOST', () => {
    const local = labPush('', { ...push.mesh, inboundTrafficPolicy: { mode: 'LOCALHOST' } });
    const c = cdsEds(proxyFor(PRODUCTPAGE_ID), local).clusters.get('inbound|9080||');
    expect(c.type).toBe('STATIC');
    expect(c.loadAssignment).toEqual({ clusterName: 'inbound|9080||', endpoints: [{ lbEndpoints: [{ endpoint: { address: { socketAddress: { address: '127.0.0.1', portValue: 9080 } } } }] }] });
    expect(c.upstreamBindConfig).toBeUndefined();
  });

  it('has no inbound clusters for a proxy whose IP no service selects', () => {
    const { names } = cdsEds(proxyFor('sidecar~10.244.9.9~curl-0.default~default.svc.cluster.local'), push);
    expect(names.filter((n) => n.startsWith('inbound|'))).toEqual([]);
    expect(names).toContain('InboundPassthroughCluster');
  });
});

describe('CDS for gateways and proxyless gRPC clients', () => {
  const push = labPush();

  it('gives the ingress gateway outbound clusters and BlackHoleCluster, no passthrough or inbound clusters', () => {
    const { names } = cdsEds(proxyFor(INGRESS_ID), push);
    expect(names).toEqual(expect.arrayContaining([REVIEWS, 'outbound|9080|v3|reviews.default.svc.cluster.local', 'BlackHoleCluster']));
    expect(names.filter((n) => /Passthrough|^inbound\|/.test(n))).toEqual([]);
  });

  it('never uses the downstream protocol on gateways (no sniffing there)', () => {
    const sniffed = `apiVersion: v1
kind: Service
metadata: {name: legacy, namespace: default}
spec: {clusterIP: 10.96.50.1, ports: [{port: 7000}]}
`;
    const p = labPush(sniffed);
    const opts = (id: string) => cdsEds(proxyFor(id), p).clusters.get('outbound|7000||legacy.default.svc.cluster.local').typedExtensionProtocolOptions;
    expect(opts(PRODUCTPAGE_ID)['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'].useDownstreamProtocolConfig).toEqual({ httpProtocolOptions: {}, http2ProtocolOptions: {} });
    expect(opts(INGRESS_ID)).toBeUndefined();
  });

  it('gives proxyless gRPC clients only EDS / LOGICAL_DNS clusters, ROUND_ROBIN, no filters or transport sockets', () => {
    const { clusters, names } = cdsEds(proxyFor(PRODUCTPAGE_ID, 'grpc'), push);
    expect(names).not.toContain('BlackHoleCluster');
    expect(names).not.toContain('PassthroughCluster');
    for (const c of clusters.values()) {
      expect(['EDS', 'LOGICAL_DNS']).toContain(c.type);
      expect(c.lbPolicy ?? 'ROUND_ROBIN').toBe('ROUND_ROBIN'); // the enum's zero value, omitted in JSON
      expect(c.filters).toBeUndefined();
      expect(c.transportSocket ?? c.transportSocketMatches).toBeUndefined();
      expect(c.typedExtensionProtocolOptions).toBeUndefined();
    }
    expect(clusters.get('outbound|80||httpbin.org').type).toBe('LOGICAL_DNS');
  });

  it('keeps RING_HASH for gRPC and downgrades LEAST_REQUEST, RANDOM and MAGLEV with a warning', () => {
    const dr = (name: string, lb: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${name}, namespace: default}
spec: {host: ${name}, trafficPolicy: {loadBalancer: ${lb}}}
`;
    const p = labPush([dr('reviews', '{consistentHash: {ringHash: {minimumRingSize: 2048}}}'), dr('ratings', '{simple: RANDOM}'), dr('details', '{consistentHash: {maglev: {tableSize: 65537}}}')].join('---\n'));
    const { clusters, warnings } = cdsEds(proxyFor(PRODUCTPAGE_ID, 'grpc'), p);
    expect(clusters.get(REVIEWS)).toMatchObject({ lbPolicy: 'RING_HASH', ringHashLbConfig: { minimumRingSize: '2048' } });
    expect(clusters.get('outbound|9080||ratings.default.svc.cluster.local').lbPolicy).toBeUndefined(); // ROUND_ROBIN
    expect(clusters.get('outbound|9080||details.default.svc.cluster.local').lbPolicy).toBe('RING_HASH');
    expect(warnings).toEqual(expect.arrayContaining([
      'DestinationRule default/ratings: loadBalancer.simple RANDOM is not supported by proxyless gRPC; using ROUND_ROBIN',
      'DestinationRule default/details: loadBalancer.consistentHash.maglev is not supported by proxyless gRPC; using RING_HASH',
    ]));
  });
});
