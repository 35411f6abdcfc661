import { create } from '@bufbuild/protobuf';
import { clusterV3, tlsV3, coreV3 } from '@minipilot/envoy-api';
import type { ClientTLSSettings, MeshConfig } from '@minipilot/config';
import { httpOptionsOf, isHttp2Draft, rawBufferSocket, sdsSecretConfig, upstreamTlsSocket, type ClusterDraft } from '../builders/cluster.js';
import type { PolicyWarn } from './cluster-traffic-policy.js';
import type { ProxyView } from '../proxy.js';
import type { MtlsMode } from '../model/peer-authentication.js';

/**
 * Where stock Envoy finds the system CA bundle for `caCertificates: system` (the default): the
 * Debian/Ubuntu path used by the envoyproxy/envoy images. istio-proxy gets `file-root:system`
 * from its agent instead.
 */
export const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** istiod's SNI for in-mesh mTLS and SNI-DNAT: `outbound_.9080_.v1_.reviews.default.svc.cluster.local`. */
export function dnsSrvSubsetKey(port: number, subset: string, host: string): string {
  return `outbound_.${port}_.${subset}_.${host}`;
}

/** What {@link applyUpstreamTls} needs to know about the cluster being built. */
export interface UpstreamTlsInput {
  readonly proxy: ProxyView;
  readonly mesh: MeshConfig;
  /** The DestinationRule's effective `tls` for this port and subset, if any. */
  readonly tls: ClientTLSSettings | undefined;
  /** istiod's default SNI for the cluster ({@link dnsSrvSubsetKey}). */
  readonly sni: string;
  /** SPIFFE ids of the service's workloads (ISTIO_MUTUAL / auto-mTLS SANs, and ServiceEntry SANs). */
  readonly serviceAccounts: readonly string[];
  readonly meshExternal: boolean;
  readonly registry: 'Kubernetes' | 'External';
  readonly drWithSelector: boolean;
  /** What the destination accepts (serviceMtlsMode): auto-mTLS is off for DISABLE and UNKNOWN. */
  readonly serviceMtlsMode: MtlsMode | 'UNKNOWN';
  readonly warn: PolicyWarn;
}

/**
 * Applies the upstream TLS istiod would (buildUpstreamTLSSettings + applyUpstreamTLSSettings), within
 * what the proxy can actually use:
 * - DISABLE: nothing. SIMPLE/MUTUAL: UpstreamTlsContext with SNI (or auto_sni), SANs (or
 *   auto_san_validation), CA and client certificates: istio-proxy fetches `file-root:`/`file-cert:`
 *   from its agent over SDS, stock Envoy reads the files directly; `credentialName` uses SDS
 *   `kubernetes://NAME` over ADS (gateways, or DestinationRules with a workloadSelector; istiod
 *   skips it on other sidecars).
 * - ISTIO_MUTUAL and auto mTLS need the workload certificate `default` and root `ROOTCA`, which only
 *   istio-proxy's agent serves: emitted for istio-proxy only; for stock Envoy ISTIO_MUTUAL is
 *   skipped with a warning (traffic goes in plaintext). Auto mTLS applies unless the destination's
 *   mode is DISABLE or UNKNOWN (see serviceMtlsMode): as `tlsMode-istio` / `tlsMode-disabled`
 *   transport socket matches, or on ORIGINAL_DST clusters (whose endpoints all have sidecars) as
 *   the cluster's transport socket.
 * - Proxyless gRPC rejects SDS secret configs: no TLS, with a warning if the DestinationRule asks.
 */
export function applyUpstreamTls(draft: ClusterDraft, input: UpstreamTlsInput): void {
  const { tls, proxy } = input;
  const c = draft.cluster;
  if (proxy.generator === 'grpc') {
    if (tls?.mode && tls.mode !== 'DISABLE') input.warn(`tls.mode ${tls.mode} is not supported for proxyless gRPC clients (they need certificate providers from their bootstrap); cluster ${c.name} is plaintext`);
    return;
  }
  if (!tls) {
    const originalDst = c.clusterDiscoveryType.case === 'type' && c.clusterDiscoveryType.value === clusterV3.Cluster_DiscoveryType.ORIGINAL_DST;
    if (!input.mesh.enableAutoMtls || input.meshExternal || !proxy.istioProxy || input.serviceMtlsMode === 'DISABLE' || input.serviceMtlsMode === 'UNKNOWN') return;
    if (originalDst) {
      c.transportSocket = upstreamTlsSocket(istioMutualContext(draft, input.serviceAccounts, input.sni));
      return;
    }
    c.transportSocketMatches = [
      create(clusterV3.Cluster_TransportSocketMatchSchema, { name: 'tlsMode-istio', match: { tlsMode: 'istio' }, transportSocket: upstreamTlsSocket(istioMutualContext(draft, input.serviceAccounts, input.sni)) }),
      create(clusterV3.Cluster_TransportSocketMatchSchema, { name: 'tlsMode-disabled', match: {}, transportSocket: rawBufferSocket() }),
    ];
    return;
  }
  switch (tls.mode) {
    case 'ISTIO_MUTUAL':
      if (!proxy.istioProxy) {
        input.warn(`tls.mode ISTIO_MUTUAL is deferred for stock Envoy: it needs the mesh certificates "default"/"ROOTCA" that only istio-proxy's agent serves; cluster ${c.name} is plaintext`);
        return;
      }
      c.transportSocket = upstreamTlsSocket(istioMutualContext(draft, tls.subjectAltNames?.length ? tls.subjectAltNames : input.serviceAccounts, tls.sni || input.sni));
      return;
    case 'SIMPLE':
    case 'MUTUAL': {
      const ctx = userTlsContext(draft, input, tls);
      if (ctx) c.transportSocket = upstreamTlsSocket(ctx);
      return;
    }
    default:
      return;
  }
}

/**
 * istiod's applyTLSDefaults (cluster_tls.go): the mesh `tlsDefaults` ECDH curves and cipher suites
 * replace the defaults of SIMPLE/MUTUAL upstream contexts (not ISTIO_MUTUAL ones); the mesh
 * `minProtocolVersion` applies only to downstream (Gateway) TLS, so not here.
 */
function applyUpstreamTlsDefaults(params: tlsV3.TlsParameters, mesh: MeshConfig): void {
  const d = mesh.tlsDefaults;
  if (d?.ecdhCurves?.length) params.ecdhCurves = [...d.ecdhCurves];
  if (d?.cipherSuites?.length) params.cipherSuites = [...d.cipherSuites];
}

function tlsParams(): tlsV3.TlsParameters {
  return create(tlsV3.TlsParametersSchema, {
    tlsMinimumProtocolVersion: tlsV3.TlsParameters_TlsProtocol.TLSv1_2,
    tlsMaximumProtocolVersion: tlsV3.TlsParameters_TlsProtocol.TLSv1_3,
  });
}

function exactSans(sans: readonly string[]): { matchPattern: { case: 'exact'; value: string } }[] {
  return sans.map((s) => ({ matchPattern: { case: 'exact' as const, value: s } }));
}

function istioMutualContext(draft: ClusterDraft, sans: readonly string[], sni: string): tlsV3.UpstreamTlsContext {
  return create(tlsV3.UpstreamTlsContextSchema, {
    commonTlsContext: {
      tlsParams: tlsParams(),
      alpnProtocols: isHttp2Draft(draft) ? ['istio-peer-exchange', 'istio', 'h2'] : ['istio-peer-exchange', 'istio'],
      tlsCertificateSdsSecretConfigs: [sdsSecretConfig('default', 'agent')],
      validationContextType: {
        case: 'combinedValidationContext',
        value: { defaultValidationContext: { matchSubjectAltNames: exactSans(sans) }, validationContextSdsSecretConfig: sdsSecretConfig('ROOTCA', 'agent') },
      },
    },
    sni,
  });
}

function userTlsContext(draft: ClusterDraft, input: UpstreamTlsInput, tls: ClientTLSSettings): tlsV3.UpstreamTlsContext | undefined {
  const { proxy } = input;
  const name = draft.cluster.name;
  if (tls.credentialName && proxy.type === 'sidecar' && !input.drWithSelector) {
    input.warn(`tls.credentialName is ignored on sidecars unless the DestinationRule has a workloadSelector (as istiod does); cluster ${name} gets no TLS`);
    return undefined;
  }
  const mutual = tls.mode === 'MUTUAL';
  if (mutual && !tls.credentialName && (!tls.clientCertificate || !tls.privateKey)) {
    input.warn(`tls.mode MUTUAL needs clientCertificate and privateKey (or credentialName); cluster ${name} gets no TLS`);
    return undefined;
  }
  const insecure = tls.insecureSkipVerify === true;
  // auto_sni / auto_san_validation are decided on the DestinationRule's own sni and SANs.
  const autoSni = !tls.sni;
  const autoSan = autoSni && !tls.subjectAltNames?.length && !insecure;
  if (autoSni || autoSan) {
    const options = httpOptionsOf(draft);
    options.upstreamHttpProtocolOptions ??= create(coreV3.UpstreamHttpProtocolOptionsSchema, {});
    if (autoSni) options.upstreamHttpProtocolOptions.autoSni = true;
    if (autoSan) options.upstreamHttpProtocolOptions.autoSanValidation = true;
  }
  const sans = tls.subjectAltNames?.length ? tls.subjectAltNames : input.registry === 'External' ? input.serviceAccounts : [];
  const common = create(tlsV3.CommonTlsContextSchema, { tlsParams: tlsParams() });
  applyUpstreamTlsDefaults(common.tlsParams!, input.mesh);
  if (tls.credentialName) {
    input.warn(`tls.credentialName ${tls.credentialName}: minipilot does not serve SDS secrets yet, so cluster ${name} has no usable certificates until it does`);
    if (mutual) common.tlsCertificateSdsSecretConfigs = [sdsSecretConfig(`kubernetes://${tls.credentialName}`, 'ads')];
    if (!insecure) {
      common.validationContextType = {
        case: 'combinedValidationContext',
        value: create(tlsV3.CommonTlsContext_CombinedCertificateValidationContextSchema, {
          defaultValidationContext: { matchSubjectAltNames: exactSans(sans) },
          validationContextSdsSecretConfig: sdsSecretConfig(`kubernetes://${tls.credentialName}-cacert`, 'ads'),
        }),
      };
    }
  } else {
    const ca = tls.caCertificates || 'system';
    if (mutual) {
      common.tlsCertificateSdsSecretConfigs = proxy.istioProxy ? [sdsSecretConfig(`file-cert:${tls.clientCertificate}~${tls.privateKey}`, 'agent')] : [];
      if (!proxy.istioProxy) {
        common.tlsCertificates = [create(tlsV3.TlsCertificateSchema, {
          certificateChain: { specifier: { case: 'filename', value: tls.clientCertificate! } },
          privateKey: { specifier: { case: 'filename', value: tls.privateKey! } },
        })];
      }
    }
    const crl = tls.caCrl ? { crl: { specifier: { case: 'filename' as const, value: tls.caCrl } } } : {};
    if (insecure) {
      common.validationContextType = { case: 'validationContext', value: create(tlsV3.CertificateValidationContextSchema, {}) };
    } else if (proxy.istioProxy) {
      common.validationContextType = {
        case: 'combinedValidationContext',
        value: create(tlsV3.CommonTlsContext_CombinedCertificateValidationContextSchema, {
          defaultValidationContext: { matchSubjectAltNames: exactSans(sans), ...crl },
          validationContextSdsSecretConfig: sdsSecretConfig(`file-root:${ca}`, 'agent'),
        }),
      };
    } else {
      common.validationContextType = {
        case: 'validationContext',
        value: create(tlsV3.CertificateValidationContextSchema, {
          trustedCa: { specifier: { case: 'filename', value: ca === 'system' ? SYSTEM_CA_BUNDLE : ca } },
          matchSubjectAltNames: exactSans(sans),
          ...crl,
        }),
      };
    }
  }
  if (isHttp2Draft(draft)) common.alpnProtocols = ['h2'];
  return create(tlsV3.UpstreamTlsContextSchema, { commonTlsContext: common, ...(tls.sni ? { sni: tls.sni } : {}) });
}
