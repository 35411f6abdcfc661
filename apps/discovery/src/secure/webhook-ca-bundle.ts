import { AdmissionregistrationV1Api, makeInformer, type KubeConfig, type V1MutatingWebhookConfiguration, type V1ValidatingWebhookConfiguration } from '@kubernetes/client-node';
import { keepWatching } from '@minipilot/ca';
import type { AppLogger } from '../logger.js';

/** The webhook configurations istiod's chart installs (default revision). */
export const MUTATING_WEBHOOK = 'istio-sidecar-injector';
/** The validating webhook configurations: the discovery chart's and the base chart's default-revision one. */
export const validatingWebhookNames = (namespace: string): string[] => [`istio-validator-${namespace}`, 'istiod-default-validator'];

/** Options of {@link startWebhookPatcher}. */
export interface WebhookPatcherOptions {
  readonly kubeConfig: KubeConfig;
  /** PEM the API server must trust to call us (our root). */
  readonly caBundlePem: string;
  readonly mutatingName: string;
  readonly validatingNames: readonly string[];
  /** The validating webhook fails closed only once this is true (istiod flips Ignore to Fail when ready). */
  readonly isReady: () => boolean;
  readonly logger: AppLogger;
}

type WebhookConfig = V1MutatingWebhookConfiguration | V1ValidatingWebhookConfiguration;

/**
 * istiod's webhook controllers: keep `clientConfig.caBundle` of every webhook in the injector's and the validators' configurations
 * equal to our root, and set the validating webhooks' `failurePolicy: Fail` once minipilot is ready
 * (the chart installs them with Ignore and no caBundle). Watches both, so an edit or a re-install is
 * patched back.
 */
export function startWebhookPatcher(o: WebhookPatcherOptions): { readonly synced: Promise<void>; reconcile(): Promise<void>; stop(): Promise<void> } {
  const api = o.kubeConfig.makeApiClient(AdmissionregistrationV1Api);
  const log = o.logger.child({ scope: 'webhook' });
  const caBundle = Buffer.from(o.caBundlePem).toString('base64');
  const mutating = makeInformer<V1MutatingWebhookConfiguration>(o.kubeConfig, '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations', () => api.listMutatingWebhookConfiguration());
  const validating = makeInformer<V1ValidatingWebhookConfiguration>(o.kubeConfig, '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations', () => api.listValidatingWebhookConfiguration());

  const patched = <T extends WebhookConfig>(cfg: T, failClosed: boolean): T | undefined => {
    let changed = false;
    const webhooks = (cfg.webhooks ?? []).map((w) => {
      const next = { ...w, clientConfig: { ...w.clientConfig, caBundle } };
      if (w.clientConfig.caBundle !== caBundle) changed = true;
      if (failClosed && w.failurePolicy !== 'Fail') {
        changed = true;
        return { ...next, failurePolicy: 'Fail' };
      }
      return next;
    });
    return changed ? { ...cfg, webhooks } as T : undefined;
  };
  /** Writes; on a conflict (our cached copy was stale) reads the object again and retries a few times. */
  const write = async (what: string, fn: () => Promise<unknown>, retry: () => Promise<void>, attempt: number): Promise<void> => {
    try {
      await fn();
      log.info({}, `patched ${what}`);
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code === 404) return; // deleted meanwhile: a re-install comes back through the watch
      if (code === 409 && attempt < 5) return retry();
      log.error({ err }, `cannot patch ${what}`);
    }
  };
  const onMutating = async (cfg: V1MutatingWebhookConfiguration, attempt = 0): Promise<void> => {
    const name = o.mutatingName;
    if (cfg.metadata?.name !== name) return;
    const next = patched(cfg, false);
    if (next) {
      await write(`MutatingWebhookConfiguration ${name} caBundle`, () => api.replaceMutatingWebhookConfiguration({ name, body: next }),
        async () => onMutating(await api.readMutatingWebhookConfiguration({ name }), attempt + 1), attempt);
    }
  };
  const onValidating = async (cfg: V1ValidatingWebhookConfiguration, attempt = 0): Promise<void> => {
    const name = cfg.metadata?.name ?? '';
    if (!o.validatingNames.includes(name)) return;
    const failClosed = o.isReady();
    const next = patched(cfg, failClosed);
    if (next) {
      await write(`ValidatingWebhookConfiguration ${name} caBundle${failClosed ? ' and failurePolicy Fail' : ''}`, () => api.replaceValidatingWebhookConfiguration({ name, body: next }),
        async () => onValidating(await api.readValidatingWebhookConfiguration({ name }), attempt + 1), attempt);
    }
  };
  mutating.on('add', (c) => void onMutating(c).catch((err: unknown) => log.error({ err }, 'webhook patch failed')));
  mutating.on('update', (c) => void onMutating(c).catch((err: unknown) => log.error({ err }, 'webhook patch failed')));
  validating.on('add', (c) => void onValidating(c).catch((err: unknown) => log.error({ err }, 'webhook patch failed')));
  validating.on('update', (c) => void onValidating(c).catch((err: unknown) => log.error({ err }, 'webhook patch failed')));
  const reconcile = async (): Promise<void> => {
    await Promise.all([...mutating.list().map((c) => onMutating(c)), ...validating.list().map((c) => onValidating(c))]);
  };
  const kept = [keepWatching(mutating, 'MutatingWebhookConfigurations', log, 'webhook'), keepWatching(validating, 'ValidatingWebhookConfigurations', log, 'webhook')];
  const synced = Promise.all(kept.map((k) => k.started)).then(() => undefined);
  return { synced, reconcile, stop: async () => void (await Promise.allSettled(kept.map((k) => k.stop()))) };
}
