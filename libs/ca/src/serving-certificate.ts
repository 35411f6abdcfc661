import { experimental } from '@grpc/grpc-js';
import type { CaBundle } from './ca-bundle.js';
import type { Logger } from './logger.js';
import { issueServingCert } from './sign-csr.js';

/** A serving certificate (chain leaf first, and key) as PEM. */
export interface ServingPem {
  readonly chainPem: string;
  readonly keyPem: string;
  readonly notAfter: Date;
}

/** istiod's own serving certificate, re-issued before it expires. */
export interface ServingCertificate {
  current(): ServingPem;
  /** For grpc-js: `experimental.createCertificateProviderServerCredentials(provider, null, false)`. */
  readonly grpcProvider: experimental.CertificateProvider;
  /** Called after every re-issue (e.g. an HTTPS server's setSecureContext). Returns an unsubscribe function. */
  onRotate(listener: (pem: ServingPem) => void): () => void;
  /** Re-issues now (also done automatically at half the lifetime). */
  rotate(): Promise<void>;
  stop(): void;
}

/** Options of {@link createServingCertificate}. */
export interface ServingCertificateOptions {
  readonly bundle: () => CaBundle;
  readonly dnsNames: readonly string[];
  readonly ttlSeconds: number;
  readonly logger: Logger;
}

/**
 * Issues istiod's serving certificate for its DNS names from our CA and re-issues it at half its
 * lifetime (and on `rotate()`), handing the new one to the gRPC server (through a grpc-js certificate
 * provider) and to any other listener; connections made after that get the new certificate.
 */
export async function createServingCertificate(o: ServingCertificateOptions): Promise<ServingCertificate> {
  let pem: ServingPem = await issueServingCert(o.bundle(), o.dnsNames, o.ttlSeconds);
  const grpcListeners = new Set<experimental.IdentityCertificateUpdateListener>();
  const listeners = new Set<(pem: ServingPem) => void>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const update = (): experimental.IdentityCertificateUpdate => ({ certificate: Buffer.from(pem.chainPem), privateKey: Buffer.from(pem.keyPem) });

  const schedule = (): void => {
    if (stopped) return;
    const halfLife = Math.max(1000, (pem.notAfter.getTime() - Date.now()) / 2);
    timer = setTimeout(() => void rotate().catch((err: unknown) => {
      o.logger.error({ scope: 'ca', err }, 'could not re-issue the serving certificate; retrying in a minute');
      timer = setTimeout(() => void rotate().catch(() => undefined), 60_000);
      timer.unref();
    }), Math.min(halfLife, 2 ** 31 - 1));
    timer.unref();
  };
  async function rotate(): Promise<void> {
    if (timer) clearTimeout(timer);
    pem = await issueServingCert(o.bundle(), o.dnsNames, o.ttlSeconds);
    o.logger.info({ scope: 'ca', notAfter: pem.notAfter.toISOString() }, 'serving certificate re-issued');
    for (const l of grpcListeners) l(update());
    for (const l of listeners) l(pem);
    schedule();
  }
  schedule();
  return {
    current: () => pem,
    grpcProvider: {
      addCaCertificateListener() {},
      removeCaCertificateListener() {},
      addIdentityCertificateListener(listener) {
        grpcListeners.add(listener);
        // grpc-js registers its own watcher only after this returns: deliver on the next tick.
        setImmediate(() => {
          if (grpcListeners.has(listener)) listener(update());
        });
      },
      removeIdentityCertificateListener(listener) {
        grpcListeners.delete(listener);
      },
    },
    onRotate(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    rotate,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
