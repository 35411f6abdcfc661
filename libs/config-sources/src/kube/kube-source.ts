import type { ConfigSource, ConfigSourceUpdate } from '../config-source.js';
import { withCrossResourceChecks } from '../analyze-served.js';
import { createDebouncer } from '../debouncer.js';
import { silentLogger, type Logger } from '../logger.js';
import { createServedState } from '../served-state.js';
import { createUpdateListeners } from '../update-listeners.js';
import { createBackoff, type BackoffOptions } from './backoff.js';
import { describeKubeConfig, loadKubeConfig, type KubeConfigSpec } from './kube-config.js';
import { createKubeGet, errorText } from './kube-get.js';
import { createKubeObjects } from './kube-objects.js';
import { createResourceInformer, type ResourceInformer } from './resource-informer.js';
import { keyOf, toConfigInput } from './to-config-input.js';
import { discoverGroupVersion, discoverIstioVersion, SECURITY_VERSION_PREFERENCE, watchedResources, type WatchedResource } from './watched-resources.js';

/** Options of {@link createKubeSource}. */
export interface KubeSourceOptions {
  /** A loaded KubeConfig, the path of a kubeconfig file, or `'in-cluster'` (the pod's service account). */
  readonly kubeConfig: KubeConfigSpec;
  /** Watch only this namespace (default: all namespaces). */
  readonly watchNamespace?: string;
  /** Quiet time before a change is applied (istiod's PILOT_DEBOUNCE_AFTER); default 100 ms. */
  readonly debounceMs?: number;
  /** Latest a change is applied after the first one of a burst (PILOT_DEBOUNCE_MAX); default 10 s. */
  readonly maxDelayMs?: number;
  /** Restart backoff after list/watch errors; default 1 s doubling to 5 s, jittered (see `BackoffOptions.maxMs`). */
  readonly backoff?: BackoffOptions;
  readonly logger?: Logger;
}

/** Sync and connection state of the Kubernetes source, for /ready and logs. */
export interface KubeSourceStatus {
  /** The initial LIST of every watched kind completed (the source has served config since). */
  readonly synced: boolean;
  /** Every watch stream is open. False while the API server is unreachable or failing. */
  readonly connected: boolean;
  /** The kubeconfig context and API server URL. */
  readonly server: string;
  /** The networking.istio.io version read (e.g. `networking.istio.io/v1`), undefined if not served or not known yet. */
  readonly istioApi?: string;
  /** Why the source is not connected, when it is not. */
  readonly lastError?: string;
  /** When the current outage began (ISO time). */
  readonly disconnectedSince?: string;
}

/** A {@link ConfigSource} on a Kubernetes API server that also reports its sync and connection state. */
export interface KubeConfigSource extends ConfigSource {
  status(): KubeSourceStatus;
}

interface KindState {
  readonly resource: WatchedResource;
  synced: boolean;
  connected: boolean;
  notServedLogged: boolean;
}

/**
 * Creates a config source that lists and watches a Kubernetes API server through
 * @kubernetes/client-node: VirtualService, DestinationRule, Gateway and ServiceEntry (at the
 * networking.istio.io version the server serves, preferring v1, then v1beta1, v1alpha3), Service,
 * EndpointSlice, Pod and Namespace. `start()` resolves with the first update once the initial LIST
 * of every kind succeeded (it keeps retrying until then). Changes are debounced like the file
 * source's and pushed only when the served content changed. Every object is read with
 * `parseConfigObject`; an invalid one is withheld and logged once, keeping its last good version.
 * Watches resume from their last resourceVersion, relist after 410 Gone, and restart with jittered
 * backoff after any other failure; meanwhile the last config keeps being served and `status()` and
 * the logs say the API server is unreachable.
 */
export function createKubeSource(options: KubeSourceOptions): KubeConfigSource {
  const kc = loadKubeConfig(options.kubeConfig);
  const server = describeKubeConfig(kc);
  const get = createKubeGet(kc);
  const logger = options.logger ?? silentLogger;
  const ns = options.watchNamespace;
  const objects = createKubeObjects();
  const listeners = createUpdateListeners(logger);
  const pendingKeys = new Set<string>();
  let kinds: KindState[] = [];
  let informers: ResourceInformer[] = [];
  const state = createServedState(logger);
  let started: Promise<ConfigSourceUpdate> | undefined;
  let ready = false;
  let stopped = false;
  let istioApi: string | undefined;
  let securityVersion: string | undefined;
  let discovered = false;
  let lastError: string | undefined;
  let disconnectedSince: number | undefined;
  let wake: (() => void) | undefined;
  let onSynced: (() => void) | undefined;

  const debouncer = createDebouncer<ReadonlySet<string>>({
    quietMs: options.debounceMs ?? 100,
    maxDelayMs: options.maxDelayMs ?? 10_000,
    merge: (a, b) => new Set([...a, ...b]),
    release: (keys, waitedMs) => publish(keys, waitedMs),
    onError: (err) => logger.error({ err }, 'applying Kubernetes changes failed; still serving the previous config'),
  });

  function changed(key: string): void {
    if (ready) debouncer.push(new Set([key]));
    else pendingKeys.add(key);
  }

  function publish(keys: ReadonlySet<string>, waitedMs?: number): void {
    const resolved = withCrossResourceChecks(objects.resolve(keys));
    const change = state.apply(resolved.objects, resolved.problems, waitedMs !== undefined ? { debounceMs: waitedMs } : {});
    if (change.unchanged || change.changedKeys.size === 0 || !ready) return;
    const errors = resolved.problems.filter((p) => p.severity === 'error').length;
    logger.info({ objects: state.served().size, changed: change.changedKeys.size, errors }, 'config updated from Kubernetes');
    listeners.emit(change.update);
  }

  /** Records a failure; the first one of an outage is logged as a warning, the rest at debug. */
  function failed(kind: string, error: unknown, retryInMs: number): void {
    lastError = `${kind}: ${errorText(error)}`;
    const fields = { kind, err: errorText(error), retryInMs };
    if (disconnectedSince !== undefined) return logger.debug(fields, 'Kubernetes API still failing');
    disconnectedSince = Date.now();
    logger.warn(fields, ready ? 'Kubernetes API server unreachable or failing; still serving the last config' : 'Kubernetes API server unreachable or failing; waiting for the initial list');
  }

  function reconnected(): void {
    if (disconnectedSince === undefined || !kinds.every((k) => k.connected)) return;
    logger.info({ downMs: Date.now() - disconnectedSince }, 'Kubernetes API server reachable again; watches resumed');
    disconnectedSince = undefined;
    lastError = undefined;
  }

  function startInformer(state: KindState): ResourceInformer {
    const r = state.resource;
    const informer = createResourceInformer({
      kubeConfig: kc, get, resource: r, ...(ns ? { namespace: ns } : {}), ...(options.backoff ? { backoff: options.backoff } : {}),
      handlers: {
        upsert: (obj) => {
          const key = keyOf(r, obj);
          objects.set(key, toConfigInput(r, obj));
          changed(key);
        },
        remove: (obj) => {
          const key = keyOf(r, obj);
          objects.delete(key);
          changed(key);
        },
        listed: () => {
          state.synced = true;
          if (kinds.every((k) => k.synced)) onSynced?.();
        },
        connected: () => {
          state.connected = true;
          // The API server answers again: the kinds still waiting out a backoff retry now.
          for (const other of informers) other.retryNow();
          reconnected();
        },
        failed: (error, retryInMs) => {
          state.connected = false;
          failed(r.kind, error, retryInMs);
        },
        notServed: (error) => {
          if (state.notServedLogged) return;
          state.notServedLogged = true;
          logger.warn({ kind: r.kind, err: errorText(error) }, `${r.kind} is not served by the API server (CRD missing?); read as empty and checked again later`);
        },
      },
    });
    informer.start();
    return informer;
  }

  /** Finds the networking.istio.io version, retrying with backoff until the API server answers. */
  async function discover(): Promise<void> {
    const backoff = createBackoff(options.backoff);
    for (;;) {
      if (stopped) throw new Error('Kubernetes config source stopped');
      try {
        const version = await discoverIstioVersion(get);
        istioApi = version ? `networking.istio.io/${version}` : undefined;
        securityVersion = await discoverGroupVersion(get, 'security.istio.io', SECURITY_VERSION_PREFERENCE);
        if (!securityVersion) logger.warn({ server }, 'security.istio.io (v1, v1beta1) is not served: PeerAuthentication is not watched (every workload is PERMISSIVE); restart after installing the Istio CRDs');
        discovered = true;
        if (!version) logger.warn({ server }, 'networking.istio.io (v1, v1beta1, v1alpha3) is not served: Istio CRDs not installed? Only Services, EndpointSlices, Pods and Namespaces are watched; restart after installing them');
        return;
      } catch (error) {
        const delay = backoff.next();
        failed('discovery', error, delay);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    }
  }

  async function run(): Promise<ConfigSourceUpdate> {
    logger.info({ server, namespace: ns ?? '(all)' }, 'connecting to the Kubernetes API server');
    await discover();
    kinds = watchedResources(istioApi?.split('/')[1], securityVersion).map((resource) => ({ resource, synced: false, connected: false, notServedLogged: false }));
    const synced = new Promise<void>((resolve) => (onSynced = resolve));
    informers = kinds.map(startInformer);
    await synced;
    onSynced = undefined;
    if (stopped) throw new Error('Kubernetes config source stopped');
    publish(new Set(pendingKeys));
    pendingKeys.clear();
    ready = true;
    const errors = state.latest()!.problems.filter((p) => p.severity === 'error').length;
    logger.info({ server, istioApi: istioApi ?? 'not served', objects: state.served().size, errors }, 'initial Kubernetes list complete');
    return state.latest()!;
  }

  return {
    start() {
      if (stopped) return Promise.reject(new Error('Kubernetes config source stopped'));
      started ??= run();
      return started;
    },
    onUpdate: (listener) => listeners.add(listener),
    current: () => (ready ? state.latest() : undefined),
    status: () => ({
      synced: ready,
      connected: discovered && kinds.length > 0 && kinds.every((k) => k.connected),
      server,
      ...(istioApi ? { istioApi } : {}),
      ...(lastError !== undefined ? { lastError } : {}),
      ...(disconnectedSince !== undefined ? { disconnectedSince: new Date(disconnectedSince).toISOString() } : {}),
    }),
    async stop() {
      stopped = true;
      wake?.();
      onSynced?.();
      listeners.clear();
      await Promise.all(informers.map((i) => i.stop()));
      await debouncer.stop();
    },
  };
}
