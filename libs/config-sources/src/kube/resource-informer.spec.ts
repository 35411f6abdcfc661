// retryNow: a kind waiting out a long backoff retries at once when told the API server is back.
import { KubeConfig } from '@kubernetes/client-node';
import { startFakeApiServer, type FakeApiServer } from '../testing/fake-apiserver.js';
import { waitFor } from '../testing/update-recorder.js';
import { createBackoff, DEFAULT_MAX_BACKOFF_MS } from './backoff.js';
import { createKubeGet } from './kube-get.js';
import { createResourceInformer, type ResourceInformer } from './resource-informer.js';
import { watchedResources } from './watched-resources.js';

describe('createResourceInformer retryNow', () => {
  let api: FakeApiServer;
  let informer: ResourceInformer | undefined;
  afterEach(async () => {
    await informer?.stop();
    await api?.stop();
  });

  it('retries a failed LIST at once instead of after its 60 s backoff', async () => {
    api = await startFakeApiServer();
    const kc = new KubeConfig();
    kc.loadFromString(api.kubeconfigYaml());
    const resource = watchedResources('v1').find((r) => r.kind === 'VirtualService')!;
    const events: string[] = [];
    api.failNext(1, 500, (r) => r.path.endsWith('/virtualservices') && r.query['watch'] === undefined);
    informer = createResourceInformer({
      kubeConfig: kc,
      get: createKubeGet(kc),
      resource,
      backoff: { initialMs: 60_000, maxMs: 60_000 },
      handlers: {
        upsert: () => {}, remove: () => {}, notServed: () => {},
        listed: () => events.push('listed'),
        connected: () => events.push('connected'),
        failed: (_e, ms) => events.push(`failed, retry in ${ms >= 30_000 ? '30+ s' : `${ms} ms`}`),
      },
    });
    informer.start();
    await waitFor(() => events.length > 0);
    informer.retryNow();
    await waitFor(() => events.includes('connected'));
    expect(events).toEqual(['failed, retry in 30+ s', 'listed', 'connected']);
  });

  it('caps the backoff at 5 s by default', () => {
    const b = createBackoff({ random: () => 0.5 });
    const delays = Array.from({ length: 8 }, () => b.next());
    expect(delays).toEqual([1000, 2000, 4000, 5000, 5000, 5000, 5000, 5000]);
    expect(DEFAULT_MAX_BACKOFF_MS).toBe(5000);
  });
});
