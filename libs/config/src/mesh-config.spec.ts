import { DEFAULT_MESH_CONFIG, parseMeshConfig } from './mesh-config.js';

// The mesh fields generators read, parsed as istiod's `mesh` ConfigMap holds them (istio.mesh.v1alpha1.MeshConfig).
describe('parseMeshConfig', () => {
  it('has istiod\'s defaults (pkg/config/mesh DefaultMeshConfig): locality LB enabled, 10s connect timeout, no upgrade', () => {
    expect(DEFAULT_MESH_CONFIG.localityLbSetting).toEqual({ enabled: true });
    expect(DEFAULT_MESH_CONFIG.connectTimeout).toBe('10s');
    expect(DEFAULT_MESH_CONFIG.h2UpgradePolicy).toBeUndefined();
  });

  it('reads the mesh-wide traffic defaults, snake_case included', () => {
    const r = parseMeshConfig(`
h2UpgradePolicy: UPGRADE
localityLbSetting: {failover: [{from: us-east, to: us-west}]}
default_http_retry_policy: {attempts: 4, retry_on: 5xx}
tcpKeepalive: {probes: 3, time: 10s}
tlsDefaults: {ecdhCurves: [P-256], minProtocolVersion: TLSV1_3}
outboundClusterStatName: "%SERVICE%"
inboundClusterStatName: "in_%SERVICE%"
`);
    expect(r.problems).toEqual([]);
    expect(r.mesh).toMatchObject({
      h2UpgradePolicy: 'UPGRADE',
      localityLbSetting: { failover: [{ from: 'us-east', to: 'us-west' }] },
      defaultHttpRetryPolicy: { attempts: 4, retryOn: '5xx' },
      tcpKeepalive: { probes: 3, time: '10s' },
      tlsDefaults: { ecdhCurves: ['P-256'], minProtocolVersion: 'TLSV1_3' },
      outboundClusterStatName: '%SERVICE%',
      inboundClusterStatName: 'in_%SERVICE%',
    });
  });

  it('reports a wrong value with the field, keeping the defaults', () => {
    const r = parseMeshConfig('h2UpgradePolicy: SOMETIMES', 'mesh.yaml');
    expect(r.mesh).toBe(DEFAULT_MESH_CONFIG);
    expect(r.problems).toEqual([expect.objectContaining({ severity: 'error', field: 'h2UpgradePolicy', origin: { file: 'mesh.yaml' } })]);
  });

  it('rejects an invalid localityLbSetting with Istio\'s message (ValidateMeshConfig → ValidateLocalityLbSetting)', () => {
    const r = parseMeshConfig('localityLbSetting: {distribute: [{from: "us-east/*", to: {"us-east/*": 60, "us-west/*": 30}}]}');
    expect(r.mesh).toBe(DEFAULT_MESH_CONFIG);
    expect(r.problems).toEqual([expect.objectContaining({ severity: 'error', kind: 'MeshConfig', field: 'localityLbSetting.distribute[0].to', message: 'total locality weight 90 != 100' })]);
  });
});
