import * as path from 'node:path';
import { createConfigSnapshot, loadYaml, type ConfigObject } from '@minipilot/config';
import { buildPushContext } from '../model/push-context.js';
import { translate } from '../translate.js';
import { loadObjects, REPO_ROOT } from '../testing/lab-config.js';
import { serviceMtlsMode } from './auto-mtls.js';

// The client side of mTLS agreeing with the server side: istiod's auto-mTLS (cluster_tls.go
// buildUpstreamTLSSettings + applyUpstreamTLSSettings), the mode it infers for a destination
// (push_context.go BestEffortInferServiceMTLSMode, test TestBestEffortInferServiceMTLSMode), and
// the per-endpoint tlsMode metadata it selects on (pilot/pkg/xds/endpoints/mtls_checker.go).

const lab = loadObjects(path.join(REPO_ROOT, 'apps/discovery/lab'));
const yaml = (text: string): ConfigObject[] => [...loadYaml(text, 'x.yaml').objects];
const peerAuth = (ns: string, spec: string, name = `pa-${ns}`): ConfigObject[] => yaml(`apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: ${name}, namespace: ${ns}}
spec: ${spec}`);
/** The lab with sidecars injected into `apps` (the injector's `security.istio.io/tlsMode: istio` label). */
const injected = (...apps: string[]): ConfigObject[] => lab.map((o) => (o.kind === 'Pod' && apps.includes(o.metadata.labels['app'] ?? '')
  ? { ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, 'security.istio.io/tlsMode': 'istio' } } } as ConfigObject
  : o));
const productpage = { id: 'sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local', metadata: { ISTIO_VERSION: '1.28.0' } };
const REVIEWS = 'outbound|9080||reviews.default.svc.cluster.local';
const cluster = (objs: ConfigObject[], name = REVIEWS) => translate(objs, productpage).clusters.find((c) => c.name === name)!;
const endpointModes = (objs: ConfigObject[], name = REVIEWS) => translate(objs, productpage).endpoints.find((e) => e.clusterName === name)!
  .endpoints.flatMap((l) => l.lbEndpoints).map((e) => (e.metadata?.filterMetadata['envoy.transport_socket_match']?.['tlsMode'] as string | undefined) ?? '-');

describe('auto-mTLS: what the client infers about the destination (BestEffortInferServiceMTLSMode)', () => {
  const push = (objs: ConfigObject[]) => buildPushContext(createConfigSnapshot(objs));
  const reviews = (objs: ConfigObject[]) => {
    const p = push(objs);
    const svc = p.serviceByHostname('reviews.default.svc.cluster.local')!;
    return serviceMtlsMode(svc, svc.ports[0]!, undefined, p);
  };
  const headless = (pods: 'none' | 'plain' | 'injected') => {
    const objs = [...lab.map((o) => (o.kind === 'Service' && o.metadata.name === 'reviews' ? { ...o, spec: { ...(o as { spec: object }).spec, clusterIP: 'None' } } as ConfigObject : o))
      .filter((o) => pods !== 'none' || !(o.kind === 'EndpointSlice' && o.metadata.name.startsWith('reviews')))];
    return reviews(pods === 'injected' ? objs.map((o) => (o.kind === 'Pod' && o.metadata.labels['app'] === 'reviews' ? { ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, 'security.istio.io/tlsMode': 'istio' } } } as ConfigObject : o)) : objs);
  };
  it.each([
    ['from namespace policy', () => reviews([...lab, ...peerAuth('default', '{mtls: {mode: STRICT}}')]), 'STRICT'],
    ['from mesh default (no policy)', () => reviews(lab), 'PERMISSIVE'],
    ['from the mesh policy in the root namespace', () => reviews([...lab, ...peerAuth('istio-system', '{mtls: {mode: DISABLE}}')]), 'DISABLE'],
    ['a workload-level policy does not change the namespace mode', () => reviews([...lab, ...peerAuth('default', '{selector: {matchLabels: {app: reviews}}, mtls: {mode: DISABLE}}')]), 'PERMISSIVE'],
    ['headless service with no instances found yet', () => headless('none'), 'DISABLE'],
    ['headless service with instances without sidecar', () => headless('plain'), 'DISABLE'],
    ['headless service whose instances all have sidecars', () => headless('injected'), 'PERMISSIVE'],
  ] as const)('%s', (_name, run, want) => {
    expect(run()).toBe(want);
  });

  it('is UNKNOWN for a mesh-external service', () => {
    const p = push(lab);
    const ext = p.services.find((s) => s.meshExternal)!;
    expect(serviceMtlsMode(ext, ext.ports[0]!, undefined, p)).toBe('UNKNOWN');
  });
});

describe('auto-mTLS clusters (istio-proxy)', () => {
  it('uses tlsMode transport socket matches by default', () => {
    expect(cluster(lab).transportSocketMatches.map((m) => m.name)).toEqual(['tlsMode-istio', 'tlsMode-disabled']);
  });

  it('is off when the destination namespace (or mesh) DISABLEs mTLS', () => {
    expect(cluster([...lab, ...peerAuth('default', '{mtls: {mode: DISABLE}}')]).transportSocketMatches).toEqual([]);
    expect(cluster([...lab, ...peerAuth('istio-system', '{mtls: {mode: DISABLE}}')]).transportSocketMatches).toEqual([]);
    // A namespace policy overrides the mesh's (GetNamespaceMutualTLSMode).
    expect(cluster([...lab, ...peerAuth('istio-system', '{mtls: {mode: DISABLE}}'), ...peerAuth('default', '{mtls: {mode: STRICT}}')]).transportSocketMatches).toHaveLength(2);
  });

  it('on a passthrough cluster whose endpoints all have sidecars: the mTLS socket itself, no matches', () => {
    const dr = yaml('apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: reviews-pt, namespace: default}\nspec: {host: reviews, trafficPolicy: {loadBalancer: {simple: PASSTHROUGH}}}');
    const plain = cluster([...dr, ...lab]);
    expect(plain.transportSocket).toBeUndefined();
    const all = cluster([...dr, ...injected('reviews')]);
    expect(all.transportSocket?.name).toBe('envoy.transport_sockets.tls');
    expect(all.transportSocketMatches).toEqual([]);
  });
});

describe('endpoint tlsMode metadata (mtlsChecker)', () => {
  it('is set for endpoints with sidecars, unless their workload policy DISABLEs mTLS on the port', () => {
    expect(endpointModes(lab).every((m) => m === '-')).toBe(true);
    expect(endpointModes(injected('reviews')).every((m) => m === 'istio')).toBe(true);
    // Only reviews-v1's pods are selected: the other versions keep mTLS.
    const v1Disabled = endpointModes([...injected('reviews'), ...peerAuth('default', '{selector: {matchLabels: {app: reviews, version: v1}}, mtls: {mode: DISABLE}}')]);
    expect(new Set(v1Disabled)).toEqual(new Set(['-', 'istio']));
    // Port-level DISABLE applies to the endpoint's (target) port only.
    expect(endpointModes([...injected('reviews'), ...peerAuth('default', '{selector: {matchLabels: {app: reviews}}, portLevelMtls: {9080: {mode: DISABLE}}}')]).every((m) => m === '-')).toBe(true);
    expect(endpointModes([...injected('reviews'), ...peerAuth('default', '{selector: {matchLabels: {app: reviews}}, portLevelMtls: {8080: {mode: DISABLE}}}')]).every((m) => m === 'istio')).toBe(true);
  });

  it('follows the DestinationRule TLS mode when it sets one: only ISTIO_MUTUAL', () => {
    const dr = (mode: string) => yaml(`apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: reviews-tls, namespace: default}\nspec: {host: reviews, trafficPolicy: {tls: {mode: ${mode}}}}`);
    expect(endpointModes([...dr('ISTIO_MUTUAL'), ...lab]).every((m) => m === 'istio')).toBe(true);
    expect(endpointModes([...dr('DISABLE'), ...injected('reviews')]).every((m) => m === '-')).toBe(true);
  });
});
