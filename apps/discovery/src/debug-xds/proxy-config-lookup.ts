import { generateResources, parseProxy, type EnvoyResources, type Proxy, type PushContext } from '@minipilot/translation';
import type { XdsServer } from '@minipilot/xds-server';
import { acceptResources, type PushPipeline } from '@minipilot/push';
import type { SentVersions } from './config-dump-messages.js';

/** What a proxy's config is looked up in. */
export interface ProxyConfigState {
  readonly xds: XdsServer;
  readonly snapshots: PushPipeline;
  push(): PushContext;
}

/** A proxy's config: what it was sent (connected) or would be sent (translated on demand). */
export interface ProxyConfig {
  readonly proxy: Proxy;
  readonly resources: EnvoyResources;
  readonly connected: boolean;
  readonly versions: SentVersions;
}

/**
 * The node id of a proxy that is not connected: a full id as given, or `pod.namespace`, for which
 * the Pod's IP comes from the registry (a sidecar id; `router~...` must be given in full).
 */
export function nodeIdFor(proxyID: string, push: PushContext): string {
  if (proxyID.includes('~')) return proxyID;
  const dot = proxyID.lastIndexOf('.');
  const [pod, ns] = dot > 0 ? [proxyID.slice(0, dot), proxyID.slice(dot + 1)] : [proxyID, 'default'];
  const ip = push.config.get('Pod', ns, pod)?.body.status?.podIP ?? '0.0.0.0';
  return `sidecar~${ip}~${pod}.${ns}~${ns}.svc.cluster.local`;
}

/**
 * Looks a proxy up by node id or `pod.namespace`: a connected one (unless `labels` are given) gets
 * what it was sent and the versions of its stream; otherwise its config is translated on demand from
 * the current push context, with `labels` as workload labels, through the same acceptance check.
 * Throws ProxyIdError for an id minipilot cannot parse.
 */
export function lookupProxyConfig(s: ProxyConfigState, proxyID: string, labels?: Readonly<Record<string, string>>): ProxyConfig {
  const connected = labels === undefined ? s.snapshots.resourcesFor(proxyID) : undefined;
  if (connected) {
    const conn = s.xds.connections().find((c) => c.nodeId === connected.proxy.id);
    return { ...connected, connected: true, versions: Object.fromEntries((conn?.types ?? []).map((t) => [t.typeUrl, t.sentVersion])) };
  }
  const push = s.push();
  const proxy = parseProxy({ id: nodeIdFor(proxyID, push), labels: labels ?? {} });
  return { proxy, resources: acceptResources(proxy, generateResources(proxy, push), undefined).resources, connected: false, versions: {} };
}
