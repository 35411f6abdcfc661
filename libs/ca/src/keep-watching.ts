import type { Informer, KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from './logger.js';

/** A started informer that restarts itself after failures until stopped. */
export interface KeptInformer {
  /** Resolves after the first list (rejects if it fails; the informer keeps retrying anyway). */
  readonly started: Promise<void>;
  stop(): Promise<void>;
}

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;

/**
 * Starts a @kubernetes/client-node informer and keeps it running: client-node's ListWatch stops for
 * good on any error but 410, so after an error this restarts it (list + watch) with a doubling delay
 * (0.5 s up to 30 s), logging once per failure. Errors after `stop()` are expected and not logged.
 */
export function keepWatching<T extends KubernetesObject>(informer: Informer<T>, what: string, logger: Logger, scope: string): KeptInformer {
  let stopped = false;
  let delay = FIRST_RETRY_MS;
  let timer: NodeJS.Timeout | undefined;
  const restart = (): void => {
    timer = undefined;
    if (stopped) return;
    informer.start().then(() => void (delay = FIRST_RETRY_MS), () => undefined);
  };
  informer.on('error', (err: unknown) => {
    if (stopped || timer) return;
    logger.warn({ scope, err: err instanceof Error ? err.message : String(err), retryMs: delay }, `watch of ${what} failed; retrying`);
    timer = setTimeout(restart, delay);
    delay = Math.min(delay * 2, MAX_RETRY_MS);
  });
  return {
    started: informer.start(),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await informer.stop();
    },
  };
}
