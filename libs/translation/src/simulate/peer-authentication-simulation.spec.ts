import { loadYaml, parseMeshConfig, type ConfigObject } from '@minipilot/config';
import { simulate, translate, translateWithReport } from '../translate.js';
import type { SimulationRequest } from './request.js';
import type { SimulationResult } from './result.js';
import type { ProxyNodeInput } from '../proxy.js';
import { tlsV3 } from '@minipilot/envoy-api';
import { typedConfigOf } from './typed-config.js';

// mTLS on the inbound side: requests arriving at an istio-proxy sidecar's virtualInbound (15006)
// under PeerAuthentications of every scope, with the filter chain and cluster istiod's listener
// picks. Sources (istio/istio):
//   PA  = pilot/pkg/networking/core/peer_authentication_simulation_test.go TestPeerAuthenticationPassthrough
//   FCO = pilot/pkg/networking/core/filterchain_options.go (which chains each mode and protocol gets)
//   CMP = pilot/pkg/security/authn/policy_applier.go ComposePeerAuthentication (precedence, UNSET, oldest wins)
//   AP  = pilot/pkg/model/authentication.go (mesh = no selector in the root namespace; one per namespace)
// The proxy is Istio's simulation default: IP 1.1.1.1, labels app=foo, namespace default; it is
// istio-proxy (ISTIO_VERSION), the only proxy that gets mTLS chains.

const proxy: ProxyNodeInput = { id: 'sidecar~1.1.1.1~foo-0.default~default.svc.cluster.local', metadata: { ISTIO_VERSION: '1.28.0', LABELS: { app: 'foo' } } };

const yaml = (text: string): ConfigObject[] => {
  const r = loadYaml(text, 'pa.yaml');
  expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
  return [...r.objects];
};

/** A PeerAuthentication: `scope` mesh (root namespace, no selector), namespace (default, no selector) or workload (selector app=foo). */
function pa(scope: 'mesh' | 'namespace' | 'workload', mode: string | undefined, ports: Record<number, string> = {}, extra: { name?: string; created?: string; namespace?: string } = {}): ConfigObject[] {
  const ns = extra.namespace ?? (scope === 'mesh' ? 'istio-system' : 'default');
  const selector = scope === 'workload' ? '  selector: {matchLabels: {app: foo}}\n' : '';
  const mtls = mode ? `  mtls: {mode: ${mode}}\n` : '';
  const portLevel = Object.keys(ports).length > 0 ? `  portLevelMtls:\n${Object.entries(ports).map(([p, m]) => `    ${p}: {mode: ${m}}\n`).join('')}` : '';
  const created = extra.created ? `\n  creationTimestamp: "${extra.created}"` : '';
  return yaml(`apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: ${extra.name ?? `${scope}-${(mode ?? 'unset').toLowerCase()}`}
  namespace: ${ns}${created}
spec:
${selector}${mtls}${portLevel}`);
}

// PA sePort8000: a mesh-internal service whose endpoint is the proxy, HTTP on 8000 (plus TCP on 9000
// and a sniffed port 7000, for the TCP and AUTO rows of FCO).
const services = (): ConfigObject[] => yaml(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: se, namespace: default}
spec:
  hosts: [foo.bar]
  endpoints: [{address: 1.1.1.1}]
  location: MESH_INTERNAL
  resolution: STATIC
  ports:
  - {name: http, number: 8000, protocol: HTTP}
  - {name: tcp, number: 9000, protocol: TCP}
  - {name: auto, number: 7000}
`);

/** Istio's simulation calls: plaintext, or mTLS with the ALPN a client sidecar sends (protocolToMTLSAlpn, or PA's mkCall `istio`). */
const plain = (port: number, protocol: SimulationRequest['protocol'] = 'http'): SimulationRequest => ({ mode: 'inbound', port, protocol, tls: 'none' });
const mtls = (port: number, alpn = 'istio', protocol: SimulationRequest['protocol'] = 'http'): SimulationRequest => ({ mode: 'inbound', port, protocol, tls: 'mtls', alpn });
const oneWayTls = (port: number): SimulationRequest => ({ mode: 'inbound', port, protocol: 'tcp', tls: 'tls' });

const PASSTHROUGH = 'InboundPassthroughCluster';
const pick = (r: SimulationResult): SimulationResult => ({ ...(r.filterChain ? { filterChain: r.filterChain } : {}), ...(r.cluster ? { cluster: r.cluster } : {}), ...(r.error ? { error: r.error } : {}) });

interface Row {
  readonly name: string;
  readonly source: string;
  readonly config: () => ConfigObject[];
  readonly call: SimulationRequest;
  /** The filter chain and cluster, or the error, istiod's config leads to. */
  readonly want: SimulationResult;
  /** Without the ServiceEntry: the proxy serves no service port (Istio's TestPeerAuthenticationPassthrough). */
  readonly bare?: boolean;
}

// One table per mode; within each, the mode set at mesh, namespace, workload and port level.
const scopes = (mode: 'STRICT' | 'PERMISSIVE' | 'DISABLE'): [string, () => ConfigObject[]][] => [
  ['mesh', () => pa('mesh', mode)],
  ['namespace', () => pa('namespace', mode)],
  ['workload', () => pa('workload', mode)],
  // Port level: the workload is the opposite mode, the port (8000, 9000, 7000) the tested one.
  ['port-level', () => pa('workload', mode === 'DISABLE' ? 'STRICT' : 'DISABLE', { 8000: mode, 9000: mode, 7000: mode })],
];

const STRICT: Row[] = scopes('STRICT').flatMap(([scope, config]): Row[] => [
  { name: `${scope} STRICT: plaintext HTTP to a service port has no chain`, source: 'PA "global strict and port 9000 plaintext not in service", FCO inboundStrictHTTPFilterChainMatchOptions', config, call: plain(8000), want: { error: 'no filter chain' } },
  { name: `${scope} STRICT: mTLS HTTP to a service port reaches inbound|8000||`, source: 'PA "global strict and port 9000 plaintext not in service"', config, call: mtls(8000), want: { filterChain: '0.0.0.0_8000', cluster: 'inbound|8000||' } },
  { name: `${scope} STRICT: mTLS TCP to a TCP port reaches inbound|9000||`, source: 'FCO inboundStrictTCPFilterChainMatchOptions', config, call: mtls(9000, 'istio-peer-exchange,istio', 'tcp'), want: { filterChain: '0.0.0.0_9000', cluster: 'inbound|9000||' } },
  { name: `${scope} STRICT: plaintext TCP to a TCP port has no chain`, source: 'FCO inboundStrictTCPFilterChainMatchOptions', config, call: plain(9000, 'tcp'), want: { error: 'no filter chain' } },
  { name: `${scope} STRICT: mTLS HTTP (istio-http/1.1) to a sniffed port takes the HTTP chain`, source: 'FCO inboundStrictFilterChainMatchOptions (mtlsHTTPALPNs)', config, call: mtls(7000, 'istio-http/1.1'), want: { filterChain: '0.0.0.0_7000', cluster: 'inbound|7000||' } },
  { name: `${scope} STRICT: one-way TLS without client certificate is refused`, source: 'FCO inboundStrictTCPFilterChainMatchOptions (require_client_certificate)', config, call: oneWayTls(9000), want: { filterChain: '0.0.0.0_9000', error: 'invalid mtls' } },
  ...(scope === 'port-level' ? [] : [
    { name: `${scope} STRICT: plaintext to an undeclared port has no chain`, source: 'PA "global strict" plaintext', config, call: plain(8888), want: { error: 'no filter chain' } } as Row,
    { name: `${scope} STRICT: mTLS to an undeclared port passes through`, source: 'PA "global strict" mtls', config, call: mtls(8888), want: { filterChain: 'virtualInbound', cluster: PASSTHROUGH } } as Row,
  ]),
]);

const PERMISSIVE: Row[] = scopes('PERMISSIVE').flatMap(([scope, config]): Row[] => [
  { name: `${scope} PERMISSIVE: plaintext HTTP reaches inbound|8000||`, source: 'PA "global plaintext and port 9000 permissive", FCO inboundPermissiveHTTPFilterChainMatchWithMxcOptions', config, call: plain(8000), want: { filterChain: '0.0.0.0_8000', cluster: 'inbound|8000||' } },
  { name: `${scope} PERMISSIVE: mTLS HTTP reaches inbound|8000||`, source: 'FCO inboundPermissiveHTTPFilterChainMatchWithMxcOptions (allIstioMtlsALPNs)', config, call: mtls(8000, 'istio-h2', 'http2'), want: { filterChain: '0.0.0.0_8000', cluster: 'inbound|8000||' } },
  { name: `${scope} PERMISSIVE: plaintext TCP reaches inbound|9000||`, source: 'FCO inboundPermissiveTCPFilterChainMatchWithMxcOptions', config, call: plain(9000, 'tcp'), want: { filterChain: '0.0.0.0_9000', cluster: 'inbound|9000||' } },
  { name: `${scope} PERMISSIVE: mTLS TCP reaches inbound|9000||`, source: 'FCO inboundPermissiveTCPFilterChainMatchWithMxcOptions', config, call: mtls(9000, 'istio', 'tcp'), want: { filterChain: '0.0.0.0_9000', cluster: 'inbound|9000||' } },
  { name: `${scope} PERMISSIVE: one-way TLS to a TCP port is passed on untouched`, source: 'FCO inboundPermissiveTCPFilterChainMatchWithMxcOptions (plain TLS chain)', config, call: oneWayTls(9000), want: { filterChain: '0.0.0.0_9000', cluster: 'inbound|9000||' } },
  { name: `${scope} PERMISSIVE: plaintext HTTP to a sniffed port takes the HTTP chain`, source: 'FCO inboundPermissiveFilterChainMatchWithMxcOptions (plaintextHTTPALPNs)', config, call: plain(7000), want: { filterChain: '0.0.0.0_7000', cluster: 'inbound|7000||' } },
  { name: `${scope} PERMISSIVE: mTLS TCP to a sniffed port takes the TCP chain`, source: 'FCO inboundPermissiveFilterChainMatchWithMxcOptions (mtlsTCPWithMxcALPNs)', config, call: mtls(7000, 'istio-peer-exchange,istio', 'tcp'), want: { filterChain: '0.0.0.0_7000', cluster: 'inbound|7000||' } },
  ...(scope === 'port-level' ? [] : [
    { name: `${scope} PERMISSIVE: plaintext to an undeclared port passes through`, source: 'PA "global permissive" plaintext', config, call: plain(8888), want: { filterChain: 'virtualInbound-catchall-http', cluster: PASSTHROUGH } } as Row,
    { name: `${scope} PERMISSIVE: mTLS to an undeclared port passes through`, source: 'PA "global permissive" mtls', config, call: mtls(8888), want: { filterChain: 'virtualInbound', cluster: PASSTHROUGH } } as Row,
  ]),
]);

const DISABLE: Row[] = scopes('DISABLE').flatMap(([scope, config]): Row[] => [
  { name: `${scope} DISABLE: plaintext HTTP reaches inbound|8000||`, source: 'PA "global disable and port 9000 strict not in service" plaintext on port 8000', config, call: plain(8000), want: { filterChain: '0.0.0.0_8000', cluster: 'inbound|8000||' } },
  { name: `${scope} DISABLE: mTLS to a plaintext HTTP port is a protocol error`, source: 'PA "global disable and port 9000 strict not in service" mtls on port 8000', config, call: mtls(8000), want: { filterChain: '0.0.0.0_8000', error: 'protocol error' } },
  { name: `${scope} DISABLE: plaintext TCP reaches inbound|9000||`, source: 'FCO inboundPlainTextTCPFilterChainMatchOptions', config, call: plain(9000, 'tcp'), want: { filterChain: '0.0.0.0_9000', cluster: 'inbound|9000||' } },
  ...(scope === 'port-level' ? [] : [
    { name: `${scope} DISABLE: plaintext to an undeclared port passes through`, source: 'PA "global disable" plaintext', config, call: plain(8888), want: { filterChain: 'virtualInbound-catchall-http', cluster: PASSTHROUGH } } as Row,
    { name: `${scope} DISABLE: mTLS to an undeclared port passes through as TCP`, source: 'PA "global disable" mtls', config, call: mtls(8888), want: { filterChain: 'virtualInbound', cluster: PASSTHROUGH } } as Row,
  ]),
]);

// TestPeerAuthenticationPassthrough, row by row (workload policies, with and without sePort8000).
const wl = (mode: string, ports: Record<number, string>) => (): ConfigObject[] => pa('workload', mode, ports, { name: 'default' });
const PASSTHROUGH_ROWS: Row[] = [
  { name: 'global disable + port 9000 strict: plaintext 9000 has no chain', source: 'PA "global disable and port 9000 strict"', config: wl('DISABLE', { 9000: 'STRICT' }), call: plain(9000), bare: true, want: { error: 'no filter chain' } },
  { name: 'global disable + port 9000 strict: mTLS 9000 passes through', source: 'PA "global disable and port 9000 strict"', config: wl('DISABLE', { 9000: 'STRICT' }), call: mtls(9000), bare: true, want: { filterChain: 'virtualInbound', cluster: PASSTHROUGH } },
  { name: 'global disable + port 9000 strict: plaintext 8000 passes through', source: 'PA "global disable and port 9000 strict"', config: wl('DISABLE', { 9000: 'STRICT' }), call: plain(8000), bare: true, want: { filterChain: 'virtualInbound-catchall-http', cluster: PASSTHROUGH } },
  { name: 'global strict + port 9000 disable: plaintext 9000 passes through', source: 'PA "global strict and port 9000 plaintext"', config: wl('STRICT', { 9000: 'DISABLE' }), call: plain(9000), bare: true, want: { filterChain: 'virtualInbound-catchall-http', cluster: PASSTHROUGH } },
  { name: 'global strict + port 9000 disable: mTLS 9000 passes through', source: 'PA "global strict and port 9000 plaintext"', config: wl('STRICT', { 9000: 'DISABLE' }), call: mtls(9000), bare: true, want: { filterChain: 'virtualInbound', cluster: PASSTHROUGH } },
  { name: 'global strict + port 9000 disable: plaintext 8000 has no chain', source: 'PA "global strict and port 9000 plaintext"', config: wl('STRICT', { 9000: 'DISABLE' }), call: plain(8000), bare: true, want: { error: 'no filter chain' } },
  { name: 'global disable + port 9000 permissive: mTLS 9000 passes through', source: 'PA "global plaintext and port 9000 permissive"', config: wl('DISABLE', { 9000: 'PERMISSIVE' }), call: mtls(9000), bare: true, want: { filterChain: 'virtualInbound', cluster: PASSTHROUGH } },
];

// Precedence (CMP, AP): the narrowest scope with a set mode wins, UNSET inherits, the oldest policy wins in a scope.
const PRECEDENCE: Row[] = [
  { name: 'namespace PERMISSIVE overrides mesh STRICT', source: 'CMP', config: () => [...pa('mesh', 'STRICT'), ...pa('namespace', 'PERMISSIVE')], call: plain(8000), want: { filterChain: '0.0.0.0_8000', cluster: 'inbound|8000||' } },
  { name: 'workload DISABLE overrides namespace STRICT', source: 'CMP', config: () => [...pa('namespace', 'STRICT'), ...pa('workload', 'DISABLE')], call: mtls(8000), want: { filterChain: '0.0.0.0_8000', error: 'protocol error' } },
  { name: 'namespace UNSET inherits mesh STRICT', source: 'CMP (isMtlsModeUnset)', config: () => [...pa('mesh', 'STRICT'), ...pa('namespace', undefined)], call: plain(8000), want: { error: 'no filter chain' } },
  { name: 'workload UNSET with a port-level UNSET inherits namespace STRICT on that port', source: 'CMP (port-level UNSET takes the workload mode)', config: () => [...pa('namespace', 'STRICT'), ...pa('workload', undefined, { 8000: 'UNSET' })], call: plain(8000), want: { error: 'no filter chain' } },
  { name: 'two namespace policies: the oldest wins', source: 'CMP, AP (seenNamespaceOrMeshConfig)', config: () => [...pa('namespace', 'STRICT', {}, { name: 'b-new', created: '2024-02-01T00:00:00Z' }), ...pa('namespace', 'DISABLE', {}, { name: 'a-old', created: '2024-01-01T00:00:00Z' })], call: mtls(8000), want: { filterChain: '0.0.0.0_8000', error: 'protocol error' } },
  { name: 'a selector policy in the root namespace is ignored', source: 'CMP (workload-level policy must not be in the root namespace)', config: () => pa('workload', 'STRICT', {}, { namespace: 'istio-system' }), call: plain(8000), want: { filterChain: '0.0.0.0_8000', cluster: 'inbound|8000||' } },
  { name: 'a policy of another namespace does not apply', source: 'AP getConfigsForWorkload (workload and root namespaces only)', config: () => pa('namespace', 'STRICT', {}, { namespace: 'other' }), call: plain(8000), want: { filterChain: '0.0.0.0_8000', cluster: 'inbound|8000||' } },
  { name: 'a workload policy selecting other labels does not apply', source: 'AP getConfigsForWorkload (selector subset of the labels)', config: () => yaml('apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: bar, namespace: default}\nspec: {selector: {matchLabels: {app: bar}}, mtls: {mode: STRICT}}\n'), call: plain(8000), want: { filterChain: '0.0.0.0_8000', cluster: 'inbound|8000||' } },
];

describe('PeerAuthentication on the inbound side (istio-proxy virtualInbound)', () => {
  describe.each([
    ['STRICT (mTLS only)', STRICT],
    ['PERMISSIVE (mTLS and plaintext)', PERMISSIVE],
    ['DISABLE (plaintext only)', DISABLE],
    ['TestPeerAuthenticationPassthrough (with the service on 8000 and 9000 not declared)', PASSTHROUGH_ROWS],
    ['precedence', PRECEDENCE],
  ])('%s', (_title, rows) => {
    it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
      expect(row.source).not.toBe('');
      const r = simulate([...(row.bare ? [] : services()), ...row.config()], proxy, row.call);
      expect(r.listener).toBe('virtualInbound');
      expect(pick(r)).toEqual(row.want);
    });
  });

  it('every mode gives a listener that passes Envoy\'s checks (PGV, NACK conditions), nothing withheld', () => {
    for (const mode of ['STRICT', 'PERMISSIVE', 'DISABLE'] as const) {
      for (const [, config] of scopes(mode)) {
        const report = translateWithReport([...services(), ...config()], proxy);
        expect(report.configProblems.filter((p) => p.severity === 'error')).toEqual([]);
        expect(report.violations).toEqual([]);
      }
    }
  });

  it('without any PeerAuthentication the mesh default is PERMISSIVE', () => {
    // AP: no mesh policy means MTLSPermissive; ComposePeerAuthentication starts from PERMISSIVE.
    expect(pick(simulate(services(), proxy, plain(8000)))).toEqual({ filterChain: '0.0.0.0_8000', cluster: 'inbound|8000||' });
    expect(pick(simulate(services(), proxy, mtls(8000, 'istio-http/1.1')))).toEqual({ filterChain: '0.0.0.0_8000', cluster: 'inbound|8000||' });
  });

  it('PA "… not in service": with the port not a service port, port-level STRICT on 9000 applies to passthrough only', () => {
    // TestPeerAuthenticationPassthrough "global disable and port 9000 strict not in service" with only port 8000 served.
    const only8000 = yaml(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: se, namespace: default}
spec: {hosts: [foo.bar], endpoints: [{address: 1.1.1.1}], location: MESH_INTERNAL, resolution: STATIC, ports: [{name: http, number: 8000, protocol: HTTP}]}
`);
    const cfg = [...only8000, ...pa('workload', 'DISABLE', { 9000: 'STRICT' }, { name: 'default' })];
    expect(pick(simulate(cfg, proxy, plain(8000)))).toEqual({ filterChain: '0.0.0.0_8000', cluster: 'inbound|8000||' });
    expect(pick(simulate(cfg, proxy, mtls(8000)))).toEqual({ filterChain: '0.0.0.0_8000', error: 'protocol error' });
    expect(pick(simulate(cfg, proxy, plain(9000)))).toEqual({ error: 'no filter chain' });
    expect(pick(simulate(cfg, proxy, mtls(9000)))).toEqual({ filterChain: 'virtualInbound', cluster: PASSTHROUGH });
  });

  it('stock Envoy (no ISTIO_VERSION) keeps plaintext chains whatever the mode: it has no agent serving the workload certificate', () => {
    const stock: ProxyNodeInput = { id: proxy.id, metadata: { LABELS: { app: 'foo' } } };
    const cfg = [...services(), ...pa('mesh', 'STRICT')];
    expect(pick(simulate(cfg, stock, plain(8000)))).toEqual({ filterChain: '0.0.0.0_8000', cluster: 'inbound|8000||' });
    const vi = translate(cfg, stock).listeners.find((l) => l.name === 'virtualInbound')!;
    expect(vi.filterChains.some((c) => c.transportSocket)).toBe(false);
  });

  it('mTLS chains carry istiod\'s DownstreamTlsContext and metadata exchange comes first', () => {
    const vi = translate([...services(), ...pa('mesh', 'STRICT')], proxy, { mesh: parseMeshConfig('trustDomain: example.org').mesh }).listeners.find((l) => l.name === 'virtualInbound')!;
    const http = vi.filterChains.find((c) => c.name === '0.0.0.0_8000')!;
    expect(http.filterChainMatch?.transportProtocol).toBe('tls');
    expect(http.filters.map((f) => f.name)).toEqual(['istio.metadata_exchange', 'envoy.filters.network.http_connection_manager']);
    expect(http.transportSocket?.name).toBe('envoy.transport_sockets.tls');
    // utils.go BuildInboundTLS + ApplyToCommonTLSContext: client certificate required, SDS default/ROOTCA
    // from the agent, peers of the trust domain, TLS 1.2-1.3 with SupportedCiphers, ALPN h2/http1.1 (HTTP chain).
    const ctx = typedConfigOf(http.transportSocket!, tlsV3.DownstreamTlsContextSchema)!;
    expect(ctx.requireClientCertificate).toBe(true);
    const common = ctx.commonTlsContext!;
    expect(common.alpnProtocols).toEqual(['h2', 'http/1.1']);
    expect(common.tlsParams?.cipherSuites).toEqual(['ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'AES256-GCM-SHA384', 'AES128-GCM-SHA256']);
    expect(common.tlsCertificateSdsSecretConfigs.map((s) => s.name)).toEqual(['default']);
    const sds = common.tlsCertificateSdsSecretConfigs[0]!.sdsConfig?.configSourceSpecifier;
    expect(sds?.case === 'apiConfigSource' && sds.value.grpcServices[0]?.targetSpecifier).toEqual({ case: 'envoyGrpc', value: expect.objectContaining({ clusterName: 'sds-grpc' }) });
    const v = common.validationContextType;
    expect(v.case).toBe('combinedValidationContext');
    if (v.case === 'combinedValidationContext') {
      expect(v.value.validationContextSdsSecretConfig?.name).toBe('ROOTCA');
      expect(v.value.defaultValidationContext?.matchSubjectAltNames.map((m) => m.matchPattern)).toEqual([{ case: 'prefix', value: 'spiffe://example.org/' }]);
    }
    // A TCP mTLS chain offers istio-peer-exchange first (ALPNDownstreamWithMxc).
    const tcp = vi.filterChains.find((c) => c.name === '0.0.0.0_9000')!;
    expect(typedConfigOf(tcp.transportSocket!, tlsV3.DownstreamTlsContextSchema)?.commonTlsContext?.alpnProtocols).toEqual(['istio-peer-exchange', 'h2', 'http/1.1']);
    // The blackhole chain guards the loop, with metadata exchange too (buildInboundBlackhole).
    expect(vi.filterChains[0]!.name).toBe('virtualInbound-blackhole');
    expect(vi.filterChains[0]!.filters.map((f) => f.name)).toEqual(['istio.metadata_exchange', 'envoy.filters.network.tcp_proxy']);
  });
});
