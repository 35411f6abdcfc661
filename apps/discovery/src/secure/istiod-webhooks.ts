import type * as https from 'node:https';
import type { MeshConfig } from '@minipilot/config';
import { DEFAULT_INJECTOR_CONFIG, type InjectionContext } from '@minipilot/injection';
import type { AppLogger } from '../logger.js';
import type { SecurityMetrics } from './security-metrics.js';
import { watchInjectorConfig, type InjectorConfigWatch } from './injector-config-watch.js';
import type { CaMode, IstiodSecurity } from './istiod-security.js';
import { startWebhookPatcher, MUTATING_WEBHOOK, validatingWebhookNames } from './webhook-ca-bundle.js';
import { startWebhookServer } from './webhook-server.js';

/** Options of {@link startIstiodWebhooks}. */
export interface IstiodWebhooksOptions {
  /** istiod --httpsAddr, e.g. `0.0.0.0:15017`. */
  readonly httpsAddr: string;
  readonly security: IstiodSecurity;
  readonly mode: CaMode;
  /** The mesh config in force, read for each injection (it changes when the mesh file is edited). */
  readonly mesh: () => MeshConfig;
  /** The validating webhook is made fail-closed once this is true. */
  readonly isReady: () => boolean;
  readonly logger: AppLogger;
  readonly metrics?: SecurityMetrics;
}

/** The running webhooks. */
export interface IstiodWebhooks {
  readonly httpsPort: number;
  /** Call once the server is ready: patches caBundles and flips the validator to Fail (Kubernetes mode). */
  markReady(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts istiod's webhooks: HTTPS on `httpsAddr` with istiod's serving certificate (/inject and
 * /validate). In a cluster it also watches the istio-sidecar-injector ConfigMap (applied to the next pod
 * without a restart) and keeps both webhook configurations' caBundle on our root. Injected pods point
 * at `istiod.<namespace>.svc:15012` unless the mesh config's defaultConfig.discoveryAddress says otherwise.
 */
export async function startIstiodWebhooks(o: IstiodWebhooksOptions): Promise<IstiodWebhooks> {
  const ns = o.mode.namespace;
  const watch: InjectorConfigWatch | undefined = o.mode.type === 'kubernetes' ? watchInjectorConfig(o.mode.kubeConfig, ns, o.logger) : undefined;
  const injection = (): InjectionContext => {
    const mesh = o.mesh();
    return {
      config: watch?.current() ?? DEFAULT_INJECTOR_CONFIG,
      meshDefaultConfig: mesh.defaultConfig,
      trustDomain: mesh.trustDomain,
      proxyListenPort: mesh.proxyListenPort,
      discoveryAddress: `istiod.${ns}.svc:15012`,
    };
  };
  const patcher = o.mode.type === 'kubernetes'
    ? startWebhookPatcher({ kubeConfig: o.mode.kubeConfig, caBundlePem: o.security.rootCertPem(), mutatingName: MUTATING_WEBHOOK, validatingNames: validatingWebhookNames(ns), isReady: o.isReady, logger: o.logger })
    : undefined;
  let server: https.Server | undefined;
  try {
    await watch?.synced;
    const started = await startWebhookServer({ address: o.httpsAddr, serving: o.security.serving, injection, logger: o.logger, ...(o.metrics ? { onOutcome: o.metrics.onWebhook } : {}) });
    server = started.server;
    o.logger.info({ scope: 'webhook', port: started.port }, 'webhooks (/inject, /validate) listening');
    return {
      httpsPort: started.port,
      async markReady() {
        await patcher?.synced;
        await patcher?.reconcile();
      },
      async stop() {
        await watch?.stop();
        await patcher?.stop();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      },
    };
  } catch (err) {
    await watch?.stop();
    await patcher?.stop();
    server?.close();
    throw err;
  }
}
