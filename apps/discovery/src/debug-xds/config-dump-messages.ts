import { create, createRegistry, toJson, type JsonObject, type Registry } from '@bufbuild/protobuf';
import { anyPack, AnySchema, type Any } from '@bufbuild/protobuf/wkt';
import { adminV3, clusterV3, endpointV3, envoyRegistry, listenerV3, routeV3, TypeUrl } from '@minipilot/envoy-api';
import type { EnvoyResources } from '@minipilot/translation';

/** The version sent to a proxy per type URL, for `version_info` in a dump (empty when never sent). */
export interface SentVersions {
  readonly [typeUrl: string]: string | undefined;
}

/** Envoy's registry plus the admin config dump messages, to print a ConfigDump's `Any`s as JSON. */
export const configDumpRegistry: Registry = createRegistry(envoyRegistry, adminV3.file_envoy_admin_v3_config_dump_shared);

/**
 * The `configs` of Envoy's admin `ConfigDump` for `resources`, as packed `Any`s in the order Envoy's
 * `/config_dump?include_eds` prints them: ClustersConfigDump, ListenersConfigDump, RoutesConfigDump,
 * EndpointsConfigDump. istiod answers `istio.io/debug/config_dump` with exactly these as resources.
 */
export function configDumpAnys(resources: EnvoyResources, versions: SentVersions = {}): Any[] {
  const v = (url: string): string => versions[url] ?? '';
  return [
    anyPack(adminV3.ClustersConfigDumpSchema, create(adminV3.ClustersConfigDumpSchema, {
      versionInfo: v(TypeUrl.Cluster),
      dynamicActiveClusters: resources.clusters.map((c) => ({ versionInfo: v(TypeUrl.Cluster), cluster: anyPack(clusterV3.ClusterSchema, c) })),
    })),
    anyPack(adminV3.ListenersConfigDumpSchema, create(adminV3.ListenersConfigDumpSchema, {
      versionInfo: v(TypeUrl.Listener),
      dynamicListeners: resources.listeners.map((l) => ({ name: l.name, activeState: { versionInfo: v(TypeUrl.Listener), listener: anyPack(listenerV3.ListenerSchema, l) } })),
    })),
    anyPack(adminV3.RoutesConfigDumpSchema, create(adminV3.RoutesConfigDumpSchema, {
      dynamicRouteConfigs: resources.routes.map((r) => ({ versionInfo: v(TypeUrl.RouteConfiguration), routeConfig: anyPack(routeV3.RouteConfigurationSchema, r) })),
    })),
    anyPack(adminV3.EndpointsConfigDumpSchema, create(adminV3.EndpointsConfigDumpSchema, {
      dynamicEndpointConfigs: resources.endpoints.map((e) => ({ versionInfo: v(TypeUrl.ClusterLoadAssignment), endpointConfig: anyPack(endpointV3.ClusterLoadAssignmentSchema, e) })),
    })),
  ];
}

/**
 * Envoy's admin `ConfigDump` as JSON (`{"configs":[{"@type":"...ClustersConfigDump",...}, ...]}`), what
 * `istioctl proxy-config <kind> --file dump.json` reads.
 */
export function envoyConfigDumpJson(resources: EnvoyResources, versions: SentVersions = {}): { configs: JsonObject[] } {
  return { configs: configDumpAnys(resources, versions).map((a) => toJson(AnySchema, a, { registry: configDumpRegistry }) as JsonObject) };
}
