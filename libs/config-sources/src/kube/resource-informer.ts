import { ListWatch, Watch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import { createBackoff, type BackoffOptions } from './backoff.js';
import { statusOf, type KubeGet } from './kube-get.js';
import { collectionPath, type WatchedResource } from './watched-resources.js';

type Json = Record<string, unknown>;

/** What a {@link ResourceInformer} reports to its owner. */
export interface ResourceInformerHandlers {
  /** An object was added, or changed (a new resourceVersion), as the API server sent it. */
  upsert(obj: Json): void;
  /** An object was deleted (or vanished between two lists). */
  remove(obj: Json): void;
  /** A LIST completed and every add/update/delete it implied was delivered. */
  listed(): void;
  /** A watch stream is open. */
  connected(): void;
  /** The list or the watch failed; the informer starts again after `retryInMs`. */
  failed(error: unknown, retryInMs: number): void;
  /** The API server does not serve this resource (LIST answered 404); it is read as empty and retried. */
  notServed(error: unknown): void;
}

interface RawList {
  readonly metadata?: { readonly resourceVersion?: string; readonly continue?: string };
  readonly items?: readonly KubernetesObject[];
}

/** Options of {@link createResourceInformer}. */
export interface ResourceInformerOptions {
  readonly kubeConfig: KubeConfig;
  readonly get: KubeGet;
  readonly resource: WatchedResource;
  /** Restrict namespaced kinds to this namespace (and Namespace objects to this one). */
  readonly namespace?: string;
  readonly backoff?: BackoffOptions;
  readonly handlers: ResourceInformerHandlers;
}

/** A list/watch loop over one resource; see {@link createResourceInformer}. */
export interface ResourceInformer {
  /** Starts listing and watching; failures are reported to `failed` and retried, never thrown. */
  start(): void;
  /**
   * Retries at once if a retry is waiting out its backoff, from the initial delay (called when another
   * watch of the same API server just connected: the server is back, waiting longer only delays readiness).
   */
  retryNow(): void;
  stop(): Promise<void>;
}

const PAGE_SIZE = '500';

/**
 * Creates an informer for one resource on client-node's ListWatch (its cache, its 410 Gone → relist,
 * its resume from the last resourceVersion), adding what it lacks: paged raw-JSON LISTs, watch
 * bookmarks requested (`allowWatchBookmarks`, so a resumed watch starts from a recent
 * resourceVersion), a LIST of a kind the server does not serve (404) read as empty, and a restart
 * with jittered exponential backoff after any other error (ListWatch stops for good on those).
 */
export function createResourceInformer(o: ResourceInformerOptions): ResourceInformer {
  const { resource: r, handlers } = o;
  const path = collectionPath(r, o.namespace);
  const fieldSelector = r.kind === 'Namespace' && o.namespace ? `metadata.name=${o.namespace}` : undefined;
  const backoff = createBackoff(o.backoff);
  let stopped = false;
  let justListed = false;
  let notServed = false;
  let retryTimer: NodeJS.Timeout | undefined;

  async function listFn(): Promise<KubernetesListObject<KubernetesObject>> {
    notServed = false;
    const items: KubernetesObject[] = [];
    let resourceVersion = '';
    let cont: string | undefined;
    try {
      do {
        const page = (await o.get(path, { limit: PAGE_SIZE, continue: cont, fieldSelector })) as RawList;
        items.push(...(page.items ?? []).map((item) => ({ ...item, apiVersion: r.apiVersion, kind: r.kind })));
        resourceVersion = page.metadata?.resourceVersion ?? '';
        cont = page.metadata?.continue || undefined;
      } while (cont);
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      notServed = true;
      handlers.notServed(error);
    }
    justListed = true;
    return { apiVersion: r.apiVersion, kind: `${r.kind}List`, metadata: { resourceVersion }, items };
  }

  const watch = new Watch(o.kubeConfig);
  const baseWatch = watch.watch.bind(watch);
  watch.watch = async (p, query, callback, done) => {
    // ListWatch calls watch right after applying a LIST: the list is fully delivered by now.
    if (justListed) {
      justListed = false;
      handlers.listed();
    }
    if (notServed) return recheckLater(done);
    let ended = false;
    const controller = await baseWatch(p, { ...query, allowWatchBookmarks: true }, callback, (err) => {
      ended = true;
      done(err);
    });
    if (!ended && !stopped) {
      backoff.reset();
      handlers.connected();
    }
    return controller;
  };

  /** Instead of watching a resource that is not served, ends the "watch" after a while: ListWatch relists. */
  function recheckLater(done: (err: unknown) => void): AbortController {
    const controller = new AbortController();
    const timer = setTimeout(() => done(null), o.backoff?.maxMs ?? 30_000);
    controller.signal.addEventListener('abort', () => clearTimeout(timer));
    return controller;
  }

  const informer = new ListWatch<KubernetesObject>(path, watch, listFn, false, undefined, fieldSelector);
  informer.on('add', (obj) => handlers.upsert(obj as unknown as Json));
  informer.on('update', (obj) => handlers.upsert(obj as unknown as Json));
  informer.on('delete', (obj) => handlers.remove(obj as unknown as Json));
  informer.on('error', (err) => onError(err));

  function onError(error: unknown): void {
    if (stopped || retryTimer !== undefined) return;
    const delay = backoff.next();
    handlers.failed(error, delay);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      run();
    }, delay);
  }

  function run(): void {
    if (!stopped) informer.start().catch(onError);
  }

  return {
    start: run,
    retryNow() {
      if (stopped || retryTimer === undefined) return;
      clearTimeout(retryTimer);
      retryTimer = undefined;
      backoff.reset();
      run();
    },
    async stop() {
      stopped = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      retryTimer = undefined;
      await informer.stop();
    },
  };
}
