import * as grpc from '@grpc/grpc-js';
import { KubeConfig } from '@kubernetes/client-node';
import { startFakeApiServer, type FakeApiServer } from '@minipilot/config-sources/src/testing/fake-apiserver';
import { createSnapshot, createXdsServer, type XdsServer } from '@minipilot/xds-server';
import { createSelfSignedCa, type CaBundle } from '../ca-bundle.js';
import { createCaService } from '../ca-service.js';
import { listenSecureGrpc } from '../secure-grpc-server.js';
import { DEFAULT_WORKLOAD_CERT_TTL_SECONDS, MAX_WORKLOAD_CERT_TTL_SECONDS } from '../sign-csr.js';
import { createServingCertificate, type ServingCertificate } from '../serving-certificate.js';
import { createTokenReviewAuthenticator } from '../token-review-authenticator.js';
import type { Logger } from '../logger.js';

/** A token of ServiceAccount default/bookinfo-productpage with audience istio-ca. */
export const PRODUCTPAGE_TOKEN = 'token-productpage';
/** A token of the same ServiceAccount for the API server's audience only (not istio-ca). */
export const WRONG_AUDIENCE_TOKEN = 'token-wrong-audience';

/** Log lines, kept for assertions. */
export interface RecordedLogger extends Logger {
  readonly lines: { level: string; msg: string }[];
}

export function recordingLogger(): RecordedLogger {
  const lines: { level: string; msg: string }[] = [];
  const at = (level: string) => (_obj: object, msg: string): void => void lines.push({ level, msg });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** The emulated API server, a CA, and the secure server (CA + ADS) on 127.0.0.1 over TLS. */
export interface SecureFixture {
  readonly api: FakeApiServer;
  readonly bundle: CaBundle;
  readonly port: number;
  readonly xds: XdsServer;
  readonly logger: RecordedLogger;
  readonly serving: ServingCertificate;
  stop(): Promise<void>;
}

export function kubeConfigFor(api: FakeApiServer): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(api.kubeconfigYaml());
  return kc;
}

/** Starts everything; the ADS source serves one empty CDS snapshot to every authorised stream. */
export async function startSecureFixture(): Promise<SecureFixture> {
  const api = await startFakeApiServer({ istioVersions: [] });
  api.addToken(PRODUCTPAGE_TOKEN, { username: 'system:serviceaccount:default:bookinfo-productpage', audiences: ['istio-ca'] });
  api.addToken(WRONG_AUDIENCE_TOKEN, { username: 'system:serviceaccount:default:bookinfo-productpage', audiences: ['https://kubernetes.default.svc'] });
  const logger = recordingLogger();
  const { bundle } = await createSelfSignedCa({ org: 'cluster.local' });
  const authenticator = createTokenReviewAuthenticator({ kubeConfig: kubeConfigFor(api), trustDomain: 'cluster.local' });
  const ca = createCaService({ bundle: () => bundle, authenticator, ttl: { defaultSeconds: DEFAULT_WORKLOAD_CERT_TTL_SECONDS, maxSeconds: MAX_WORKLOAD_CERT_TTL_SECONDS }, logger });
  const xds = createXdsServer({
    source: { watch: (_node, onSnapshot) => (onSnapshot(createSnapshot({ 'type.googleapis.com/envoy.config.cluster.v3.Cluster': [] })), () => {}) },
  });
  const serving = await createServingCertificate({ bundle: () => bundle, dnsNames: ['istiod.istio-system.svc'], ttlSeconds: 3600, logger });
  const { server, port } = await listenSecureGrpc({ address: '127.0.0.1:0', serving, services: [ca, xds], authenticator, logger });
  return {
    api, bundle, port, xds, logger, serving,
    async stop() {
      serving.stop();
      xds.closeAll();
      server.forceShutdown();
      await api.stop();
    },
  };
}

/** The gRPC status code of a rejected promise. */
export async function statusOf(p: Promise<unknown>): Promise<{ code: grpc.status; details: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as grpc.ServiceError;
    return { code: e.code, details: e.details };
  }
  throw new Error('expected the call to fail');
}
