import { KubeConfig } from '@kubernetes/client-node';
import {
  CaError,
  createCaService,
  createLabTokenAuthenticator,
  createTokenReviewAuthenticator,
  createServingCertificate,
  listenSecureGrpc,
  loadOrCreateFileCa,
  loadOrCreateKubeCa,
  startRootCertPublisher,
  DEFAULT_WORKLOAD_CERT_TTL_SECONDS,
  MAX_WORKLOAD_CERT_TTL_SECONDS,
  type Authenticator,
  type CaBundle,
  type RootCertPublisher,
  type ServingCertificate,
} from '@minipilot/ca';
import type * as grpc from '@grpc/grpc-js';
import type { XdsServer } from '@minipilot/xds-server';
import type { AppLogger } from '../logger.js';
import type { SecurityMetrics } from './security-metrics.js';

/** Where the CA keeps its root, and how callers prove who they are. */
export type CaMode =
  /** In a cluster: istio-ca-secret / cacerts in `namespace`, TokenReview, istio-ca-root-cert published. */
  | { readonly type: 'kubernetes'; readonly kubeConfig: KubeConfig; readonly namespace: string }
  /** Without a cluster: the root and key in `caDir`; only the token in `labTokenFile` (if set) is accepted. */
  | { readonly type: 'file'; readonly caDir: string; readonly labTokenFile?: string; readonly namespace: string };

/** Options of {@link startIstiodSecurity}. */
export interface IstiodSecurityOptions {
  readonly mode: CaMode;
  /** istiod --secureGRPCAddr, e.g. `0.0.0.0:15012`. */
  readonly secureGrpcAddr: string;
  /** The gRPC transport limits shared with the plaintext port (see createGrpcTransport). */
  readonly transport?: { readonly options: grpc.ServerOptions; watch(server: grpc.Server): void };
  /** MeshConfig trustDomain (`cluster.local`). */
  readonly trustDomain: string;
  /** The ADS service also served on the secure port. */
  readonly xds: XdsServer;
  readonly logger: AppLogger;
  readonly metrics?: SecurityMetrics;
}

/** The running CA and secure gRPC server. */
export interface IstiodSecurity {
  readonly securePort: number;
  /** The PEM root that proxies trust (what istio-ca-root-cert holds; served at /debug/ca-root). */
  rootCertPem(): string;
  /** The CA, e.g. to sign the webhook serving certificate. */
  bundle(): CaBundle;
  /** istiod's DNS names for its serving certificate. */
  readonly dnsNames: readonly string[];
  /** The serving certificate, re-issued at half its lifetime; also used for the webhooks on 15017 as istiod does. */
  readonly serving: ServingCertificate;
  stop(): Promise<void>;
}

/** istiod's serving certificate lifetime here (24h, re-issued every 12h). */
const SERVING_CERT_TTL_SECONDS = DEFAULT_WORKLOAD_CERT_TTL_SECONDS;

/**
 * The DNS names istiod's serving certificate carries: `istiod.<ns>.svc` (what CA_ADDR and
 * discoveryAddress name), plus `istiod.istio-system.svc` when minipilot runs elsewhere, and the
 * Service's shorter and longer forms so any of them verifies.
 */
export function istiodDnsNames(namespace: string): string[] {
  const names = new Set<string>();
  for (const ns of [namespace, 'istio-system']) {
    names.add(`istiod.${ns}.svc`);
    names.add(`istiod.${ns}`);
    names.add(`istiod.${ns}.svc.cluster.local`);
  }
  names.add('istiod');
  return [...names];
}

/**
 * Starts istiod's security side: the CA (in a cluster: the plugged-in `cacerts` or the self-managed
 * `istio-ca-secret`, root published in every namespace; without one: the root in `caDir`), and the
 * TLS gRPC server on `secureGrpcAddr` serving `CreateCertificate` and ADS with token authentication.
 */
export async function startIstiodSecurity(o: IstiodSecurityOptions): Promise<IstiodSecurity> {
  const log = o.logger.child({ scope: 'ca' });
  const mode = o.mode;
  let publisher: RootCertPublisher | undefined;
  let bundle: CaBundle;
  let authenticator: Authenticator;
  if (mode.type === 'kubernetes') {
    const r = await loadOrCreateKubeCa({ kubeConfig: mode.kubeConfig, namespace: mode.namespace, trustDomain: o.trustDomain });
    bundle = r.bundle;
    log.info({ origin: bundle.origin, created: r.created }, r.created ? 'generated a self-signed root and stored it' : 'loaded the CA');
    authenticator = createTokenReviewAuthenticator({ kubeConfig: mode.kubeConfig, trustDomain: o.trustDomain });
    publisher = startRootCertPublisher({ kubeConfig: mode.kubeConfig, rootCertPem: () => bundle.rootCertPem, logger: o.logger.child({ scope: 'namespacecontroller' }) });
  } else {
    const r = await loadOrCreateFileCa(mode.caDir, o.trustDomain);
    bundle = r.bundle;
    log.info({ dir: mode.caDir, created: r.created }, r.created ? 'generated a self-signed root in the CA directory' : 'loaded the CA from the CA directory');
    authenticator = mode.labTokenFile ? createLabTokenAuthenticator({ tokenFile: mode.labTokenFile, trustDomain: o.trustDomain }) : refuseAll();
    if (!mode.labTokenFile) log.info({}, 'no cluster and no --lab-token-file: every call on the secure port is refused as unauthenticated');
  }
  const dnsNames = istiodDnsNames(mode.namespace);
  const serving = await createServingCertificate({ bundle: () => bundle, dnsNames, ttlSeconds: SERVING_CERT_TTL_SECONDS, logger: log });
  const ca = createCaService({
    bundle: () => bundle,
    authenticator,
    ttl: { defaultSeconds: DEFAULT_WORKLOAD_CERT_TTL_SECONDS, maxSeconds: MAX_WORKLOAD_CERT_TTL_SECONDS },
    logger: o.logger,
    ...(o.metrics ? { onRequest: (outcome: Parameters<SecurityMetrics['onCsr']>[0]) => o.metrics!.onCsr(outcome) } : {}),
  });
  o.metrics?.setRootExpiry(bundle.signingCert.notAfter);
  let server: grpc.Server | undefined;
  try {
    const bound = await listenSecureGrpc({ address: o.secureGrpcAddr, serving, services: [ca, o.xds], authenticator, logger: o.logger, ...(o.transport ? { transport: o.transport } : {}) });
    server = bound.server;
    log.info({ port: bound.port, dnsNames }, 'secure gRPC (xDS + CA) listening');
    return {
      securePort: bound.port,
      rootCertPem: () => bundle.rootCertPem,
      bundle: () => bundle,
      dnsNames,
      serving,
      async stop() {
        serving.stop();
        await publisher?.stop();
        await new Promise<void>((resolve) => server!.tryShutdown(() => resolve()));
      },
    };
  } catch (err) {
    serving.stop();
    await publisher?.stop();
    server?.forceShutdown();
    throw err;
  }
}

/** The authenticator of file mode without a lab token: says how to get in. */
function refuseAll(): Authenticator {
  return {
    name: 'none',
    authenticate: () => Promise.reject(new CaError('Unauthenticated', 'minipilot runs without a cluster and no --lab-token-file is configured, so no token can be verified')),
  };
}
