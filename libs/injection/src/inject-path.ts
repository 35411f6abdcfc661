import type { InjectionValues } from './values.js';

/**
 * The `/inject/<key>/<value>/...` path form istiod serves (used by remote clusters' webhooks):
 * `cluster` sets the cluster id and `net` the network the injected proxy reports
 * (ISTIO_META_CLUSTER_ID, ISTIO_META_NETWORK); other keys are ignored. Returns the value overrides.
 */
export function injectPathOverrides(pathname: string): Partial<Pick<InjectionValues, 'clusterName' | 'network'>> {
  if (!pathname.startsWith('/inject/')) return {};
  const parts = pathname.slice('/inject/'.length).split('/').map(decodeURIComponent);
  const out: { clusterName?: string; network?: string } = {};
  for (let i = 0; i + 1 < parts.length; i += 2) {
    if (parts[i] === 'cluster' && parts[i + 1]) out.clusterName = parts[i + 1];
    if (parts[i] === 'net' && parts[i + 1]) out.network = parts[i + 1];
  }
  return out;
}
