import { labPush } from '../testing/lab-config.js';
import { cdsEds, INGRESS_ID, PRODUCTPAGE_ID, proxyFor } from '../testing/cluster-fixtures.js';

// Istio's egress TLS origination tutorial: plain HTTP from the app, TLS from the sidecar on port 80.
const CNN = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: edition-cnn-com, namespace: default}
spec:
  hosts: [edition.cnn.com]
  ports: [{number: 80, name: http-port, protocol: HTTP, targetPort: 443}, {number: 443, name: https-port, protocol: HTTPS}]
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: edition-cnn-com, namespace: default}
spec:
  host: edition.cnn.com
  trafficPolicy:
    portLevelSettings:
    - port: {number: 80}
      tls: {mode: SIMPLE}
`;
const CNN80 = 'outbound|80||edition.cnn.com';
const HPO = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';
const TLS_CONTEXT = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext';
const TLS_PARAMS = { tlsMinimumProtocolVersion: 'TLSv1_2', tlsMaximumProtocolVersion: 'TLSv1_3' };
const agentSds = (name: string) => ({
  name,
  sdsConfig: { apiConfigSource: { apiType: 'GRPC', setNodeOnFirstMessageOnly: true, transportApiVersion: 'V3', grpcServices: [{ envoyGrpc: { clusterName: 'sds-grpc' } }] }, resourceApiVersion: 'V3' },
});
const reviewsDr = (tls: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: default}
spec: {host: reviews, trafficPolicy: {tls: ${tls}}, subsets: [{name: v1, labels: {version: v1}}]}
`;
const REVIEWS_V1 = 'outbound|9080|v1|reviews.default.svc.cluster.local';

describe('DestinationRule tls SIMPLE / MUTUAL', () => {
  it('originates TLS for stock Envoy with auto SNI/SAN and the system CA bundle read from a file', () => {
    const { clusters, warnings } = cdsEds(proxyFor(PRODUCTPAGE_ID), labPush(CNN));
    expect(warnings).toEqual([]);
    const c = clusters.get(CNN80);
    expect(c.transportSocket).toEqual({
      name: 'envoy.transport_sockets.tls',
      typedConfig: {
        '@type': TLS_CONTEXT,
        commonTlsContext: { tlsParams: TLS_PARAMS, validationContext: { trustedCa: { filename: '/etc/ssl/certs/ca-certificates.crt' } } },
      },
    });
    expect(c.typedExtensionProtocolOptions[HPO]).toEqual({
      '@type': `type.googleapis.com/${HPO}`,
      upstreamHttpProtocolOptions: { autoSni: true, autoSanValidation: true },
      explicitHttpConfig: { httpProtocolOptions: {} },
    });
    expect(c.metadata.filterMetadata.istio).toMatchObject({ external: true, alpn_override: 'false', config: '/apis/networking.istio.io/v1/namespaces/default/destination-rule/edition-cnn-com' });
    // The port-level entry covers port 80 only.
    expect(clusters.get('outbound|443||edition.cnn.com').transportSocket).toBeUndefined();
  });

  it('fetches file-root:system from the agent for istio-proxy, and never adds auto mTLS to MESH_EXTERNAL hosts', () => {
    const { clusters } = cdsEds(proxyFor(PRODUCTPAGE_ID, 'istio'), labPush(CNN));
    expect(clusters.get(CNN80).transportSocket.typedConfig.commonTlsContext).toEqual({
      tlsParams: TLS_PARAMS,
      combinedValidationContext: { defaultValidationContext: {}, validationContextSdsSecretConfig: agentSds('file-root:system') },
    });
    expect(clusters.get('outbound|443||edition.cnn.com').transportSocketMatches).toBeUndefined();
  });

  it('uses client certificate files for MUTUAL: inline for stock Envoy, file-cert SDS for istio-proxy', () => {
    const dr = reviewsDr('{mode: MUTUAL, clientCertificate: /etc/certs/cert.pem, privateKey: /etc/certs/key.pem, caCertificates: /etc/certs/ca.pem, sni: reviews.example, subjectAltNames: [reviews.example]}');
    const stock = cdsEds(proxyFor(PRODUCTPAGE_ID), labPush(dr)).clusters.get(REVIEWS_V1);
    expect(stock.transportSocket.typedConfig).toEqual({
      '@type': TLS_CONTEXT,
      sni: 'reviews.example',
      commonTlsContext: {
        tlsParams: TLS_PARAMS,
        tlsCertificates: [{ certificateChain: { filename: '/etc/certs/cert.pem' }, privateKey: { filename: '/etc/certs/key.pem' } }],
        validationContext: { trustedCa: { filename: '/etc/certs/ca.pem' }, matchSubjectAltNames: [{ exact: 'reviews.example' }] },
      },
    });
    expect(stock.typedExtensionProtocolOptions).toBeUndefined();
    const istio = cdsEds(proxyFor(PRODUCTPAGE_ID, 'istio'), labPush(dr)).clusters.get(REVIEWS_V1);
    expect(istio.transportSocket.typedConfig.commonTlsContext).toEqual({
      tlsParams: TLS_PARAMS,
      tlsCertificateSdsSecretConfigs: [agentSds('file-cert:/etc/certs/cert.pem~/etc/certs/key.pem')],
      combinedValidationContext: { defaultValidationContext: { matchSubjectAltNames: [{ exact: 'reviews.example' }] }, validationContextSdsSecretConfig: agentSds('file-root:/etc/certs/ca.pem') },
    });
    expect(istio.transportSocketMatches).toBeUndefined();
  });

  it('ignores credentialName on sidecars (as istiod) and uses kubernetes:// SDS over ADS on gateways, warning both times', () => {
    const dr = reviewsDr('{mode: SIMPLE, credentialName: reviews-ca}');
    const sidecar = cdsEds(proxyFor(PRODUCTPAGE_ID), labPush(dr));
    expect(sidecar.clusters.get(REVIEWS_V1).transportSocket).toBeUndefined();
    expect(sidecar.warnings).toEqual([`DestinationRule default/reviews: tls.credentialName is ignored on sidecars unless the DestinationRule has a workloadSelector (as istiod does); cluster outbound|9080||reviews.default.svc.cluster.local gets no TLS`,
      `DestinationRule default/reviews: tls.credentialName is ignored on sidecars unless the DestinationRule has a workloadSelector (as istiod does); cluster ${REVIEWS_V1} gets no TLS`]);
    const gateway = cdsEds(proxyFor(INGRESS_ID), labPush(dr));
    expect(gateway.clusters.get(REVIEWS_V1).transportSocket.typedConfig.commonTlsContext.combinedValidationContext).toEqual({
      defaultValidationContext: {},
      validationContextSdsSecretConfig: { name: 'kubernetes://reviews-ca-cacert', sdsConfig: { ads: {}, resourceApiVersion: 'V3' } },
    });
    expect(gateway.warnings[0]).toMatch(/^DestinationRule default\/reviews: tls.credentialName reviews-ca: minipilot does not serve SDS secrets yet/);
  });
  it('allows credentialName on a sidecar through a DestinationRule selecting its workload', () => {
    const dr = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews-egress, namespace: default}
spec: {host: reviews, workloadSelector: {labels: {app: productpage}}, trafficPolicy: {tls: {mode: MUTUAL, credentialName: client-cred}}}
`;
    const { clusters } = cdsEds(proxyFor(PRODUCTPAGE_ID, 'envoy', { app: 'productpage' }), labPush(dr));
    const common = clusters.get('outbound|9080||reviews.default.svc.cluster.local').transportSocket.typedConfig.commonTlsContext;
    expect(common.tlsCertificateSdsSecretConfigs).toEqual([{ name: 'kubernetes://client-cred', sdsConfig: { ads: {}, resourceApiVersion: 'V3' } }]);
    expect(common.combinedValidationContext.validationContextSdsSecretConfig.name).toBe('kubernetes://client-cred-cacert');
  });
});

describe('ISTIO_MUTUAL, DISABLE and proxyless gRPC', () => {
  it('defers ISTIO_MUTUAL for stock Envoy with a warning (no secrets anyone serves)', () => {
    const { clusters, warnings } = cdsEds(proxyFor(PRODUCTPAGE_ID), labPush(reviewsDr('{mode: ISTIO_MUTUAL}')));
    expect(clusters.get(REVIEWS_V1).transportSocket).toBeUndefined();
    expect(warnings).toContain(`DestinationRule default/reviews: tls.mode ISTIO_MUTUAL is deferred for stock Envoy: it needs the mesh certificates "default"/"ROOTCA" that only istio-proxy's agent serves; cluster ${REVIEWS_V1} is plaintext`);
  });

  it('uses the mesh certificates for istio-proxy, with the subset SNI and the service accounts as SANs', () => {
    const { clusters } = cdsEds(proxyFor(PRODUCTPAGE_ID, 'istio'), labPush(reviewsDr('{mode: ISTIO_MUTUAL}')));
    const c = clusters.get(REVIEWS_V1);
    expect(c.transportSocketMatches).toBeUndefined();
    expect(c.transportSocket.typedConfig).toEqual({
      '@type': TLS_CONTEXT,
      sni: 'outbound_.9080_.v1_.reviews.default.svc.cluster.local',
      commonTlsContext: {
        tlsParams: TLS_PARAMS,
        alpnProtocols: ['istio-peer-exchange', 'istio'],
        tlsCertificateSdsSecretConfigs: [{ ...agentSds('default'), sdsConfig: { ...agentSds('default').sdsConfig, initialFetchTimeout: '0s' } }],
        combinedValidationContext: {
          defaultValidationContext: { matchSubjectAltNames: [{ exact: 'spiffe://cluster.local/ns/default/sa/bookinfo-reviews' }] },
          validationContextSdsSecretConfig: { ...agentSds('ROOTCA'), sdsConfig: { ...agentSds('ROOTCA').sdsConfig, initialFetchTimeout: '0s' } },
        },
      },
    });
  });

  it('lets DISABLE switch auto mTLS off', () => {
    const { clusters } = cdsEds(proxyFor(PRODUCTPAGE_ID, 'istio'), labPush(reviewsDr('{mode: DISABLE}')));
    expect(clusters.get(REVIEWS_V1).transportSocketMatches).toBeUndefined();
    expect(clusters.get(REVIEWS_V1).transportSocket).toBeUndefined();
  });

  it('sends proxyless gRPC clients no transport socket and says why', () => {
    const { clusters, warnings } = cdsEds(proxyFor(PRODUCTPAGE_ID, 'grpc'), labPush(reviewsDr('{mode: ISTIO_MUTUAL}')));
    expect(clusters.get(REVIEWS_V1).transportSocket).toBeUndefined();
    expect(warnings).toContain(`DestinationRule default/reviews: tls.mode ISTIO_MUTUAL is not supported for proxyless gRPC clients (they need certificate providers from their bootstrap); cluster ${REVIEWS_V1} is plaintext`);
  });
});
