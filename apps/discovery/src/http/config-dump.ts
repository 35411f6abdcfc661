import { create, toJson, type JsonObject } from '@bufbuild/protobuf';
import { anyPack } from '@bufbuild/protobuf/wkt';
import { adminV3, clusterV3, endpointV3, envoyRegistry, listenerV3, routeV3, TypeUrl } from '@minipilot/envoy-api';
import { generateResources, parseProxy, ProxyIdError, resourcesToJson, type EnvoyResources, type Proxy, type PushContext } from '@minipilot/translation';
import type { XdsServer } from '@minipilot/xds-server';
import { acceptResources } from '../accept.js';
import type { ProxySnapshots } from '../proxy-snapshots.js';
import type { Handler } from './monitoring-server.js';

/** The version sent to a proxy per type, for `version_info` in the dump (empty when never sent). */
export interface SentVersions {
  readonly [typeUrl: string]: string | undefined;
}

const ADMIN = 'type.googleapis.com/envoy.admin.v3.';

/**
 * Envoy's admin `ConfigDump` JSON (`{"configs":[{"@type":"...ListenersConfigDump",...}, ...]}`) for
 * `resources`, in the order Envoy's `/config_dump?include_eds` prints it: clusters, listeners,
 * routes, endpoints; what `istioctl proxy-config <kind> --file dump.json` reads.
 */
export function envoyConfigDump(resources: EnvoyResources, versions: SentVersions = {}): { configs: JsonObject[] } {
  const opts = { registry: envoyRegistry };
  const v = (url: string): string => versions[url] ?? '';
  const clusters = create(adminV3.ClustersConfigDumpSchema, {
    versionInfo: v(TypeUrl.Cluster),
    dynamicActiveClusters: resources.clusters.map((c) => ({ versionInfo: v(TypeUrl.Cluster), cluster: anyPack(clusterV3.ClusterSchema, c) })),
  });
  const listeners = create(adminV3.ListenersConfigDumpSchema, {
    versionInfo: v(TypeUrl.Listener),
    dynamicListeners: resources.listeners.map((l) => ({ name: l.name, activeState: { versionInfo: v(TypeUrl.Listener), listener: anyPack(listenerV3.ListenerSchema, l) } })),
  });
  const routes = create(adminV3.RoutesConfigDumpSchema, {
    dynamicRouteConfigs: resources.routes.map((r) => ({ versionInfo: v(TypeUrl.RouteConfiguration), routeConfig: anyPack(routeV3.RouteConfigurationSchema, r) })),
  });
  const endpoints = create(adminV3.EndpointsConfigDumpSchema, {
    dynamicEndpointConfigs: resources.endpoints.map((e) => ({ versionInfo: v(TypeUrl.ClusterLoadAssignment), endpointConfig: anyPack(endpointV3.ClusterLoadAssignmentSchema, e) })),
  });
  return {
    configs: [
      { '@type': `${ADMIN}ClustersConfigDump`, ...(toJson(adminV3.ClustersConfigDumpSchema, clusters, opts) as JsonObject) },
      { '@type': `${ADMIN}ListenersConfigDump`, ...(toJson(adminV3.ListenersConfigDumpSchema, listeners, opts) as JsonObject) },
      { '@type': `${ADMIN}RoutesConfigDump`, ...(toJson(adminV3.RoutesConfigDumpSchema, routes, opts) as JsonObject) },
      { '@type': `${ADMIN}EndpointsConfigDump`, ...(toJson(adminV3.EndpointsConfigDumpSchema, endpoints, opts) as JsonObject) },
    ],
  };
}

/** What `/debug/config_dump` reads. */
export interface ConfigDumpState {
  readonly xds: XdsServer;
  readonly snapshots: ProxySnapshots;
  push(): PushContext;
}

/** `key=value,key2=value2` → labels; undefined when malformed. */
function parseLabelList(text: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  for (const entry of text.split(',').map((x) => x.trim()).filter(Boolean)) {
    const eq = entry.indexOf('=');
    if (eq <= 0) return undefined;
    labels[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return labels;
}

/**
 * The node id of a proxy that is not connected: a full id as given, or `pod.namespace`, for which
 * the Pod's IP comes from the registry (a sidecar id; `router~...` must be given in full).
 */
function nodeIdFor(proxyID: string, push: PushContext): string {
  if (proxyID.includes('~')) return proxyID;
  const dot = proxyID.lastIndexOf('.');
  const [pod, ns] = dot > 0 ? [proxyID.slice(0, dot), proxyID.slice(dot + 1)] : [proxyID, 'default'];
  const ip = push.config.get('Pod', ns, pod)?.body.status?.podIP ?? '0.0.0.0';
  return `sidecar~${ip}~${pod}.${ns}~${ns}.svc.cluster.local`;
}

/**
 * `/debug/config_dump?proxyID=<node id | pod.namespace>[&labels=k=v,...][&format=resources]`:
 * what a connected proxy gets, or, for a proxy that is not connected, what it would get, translated
 * on demand from the current push context (with `labels` as its workload labels when the registry
 * has no Pod for it). Envoy's admin ConfigDump by default; `format=resources` gives the per-type
 * lists (`{"proxy","listeners","routes","clusters","endpoints"}`).
 */
export function configDumpHandler(s: ConfigDumpState): Handler {
  return (url) => {
    const id = url.searchParams.get('proxyID') ?? '';
    if (!id) return { status: 400, body: { error: 'proxyID is required: ?proxyID=<node id or pod.namespace>[&labels=app=reviews,version=v1]; see /debug/syncz for connected proxies' } };
    const labelText = url.searchParams.get('labels');
    const labels = labelText === null ? {} : parseLabelList(labelText);
    if (!labels) return { status: 400, body: { error: `labels ${JSON.stringify(labelText)}: expected key=value,key2=value2` } };
    const connected = labelText === null ? s.snapshots.resourcesFor(id) : undefined;
    let proxy: Proxy;
    let resources: EnvoyResources;
    let versions: SentVersions = {};
    if (connected) {
      ({ proxy, resources } = connected);
      const conn = s.xds.connections().find((c) => c.nodeId === proxy.id);
      versions = Object.fromEntries((conn?.types ?? []).map((t) => [t.typeUrl, t.sentVersion]));
    } else {
      const push = s.push();
      try {
        proxy = parseProxy({ id: nodeIdFor(id, push), labels });
      } catch (e) {
        if (e instanceof ProxyIdError) return { status: 400, body: { error: `proxyID: ${e.message}` } };
        throw e;
      }
      resources = acceptResources(proxy, generateResources(proxy, push), undefined).resources;
    }
    if (url.searchParams.get('format') === 'resources') return { proxy: proxy.id, connected: Boolean(connected), ...resourcesToJson(resources) };
    return envoyConfigDump(resources, versions);
  };
}
