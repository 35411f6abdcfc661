import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { anyPack, type Any } from '@bufbuild/protobuf/wkt';
import { discoveryV3, statusV3, TypeUrl, type coreV3 } from '@minipilot/envoy-api';
import type { ConnectionStatus, TypeStatus } from '@minipilot/xds-server';
import { configDumpAnys } from './config-dump-messages.js';
import { lookupProxyConfig, type ProxyConfigState } from './proxy-config-lookup.js';

/** istiod's debug type: sync status of every connected proxy, as envoy.service.status.v3.ClientConfig resources. */
export const DEBUG_SYNCZ = 'istio.io/debug/syncz';
/** istiod's debug type: one proxy's Envoy ConfigDump; the request names the proxy (`pod.namespace` or node id). */
export const DEBUG_CONFIG_DUMP = 'istio.io/debug/config_dump';
/** Every debug type minipilot answers. */
export const DEBUG_TYPE_URLS: readonly string[] = [DEBUG_SYNCZ, DEBUG_CONFIG_DUMP];

/** The types a syncz entry reports, in istiod's order (ECDS is never sent by minipilot: NOT_SENT). */
const SYNCZ_TYPES = [TypeUrl.Listener, TypeUrl.RouteConfiguration, TypeUrl.ClusterLoadAssignment, TypeUrl.Cluster, 'type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig'];

/**
 * True for a node that is a debug client rather than a proxy: istioctl connects with node metadata
 * `GENERATOR: event` and an id whose type is neither `sidecar` nor `router` (e.g. `istioctl~...`).
 * Such a node gets the debug types and no Envoy config; it must not be refused.
 */
export function isDebugNode(node: Pick<coreV3.Node, 'id' | 'metadata'>): boolean {
  const type = node.id.split('~')[0];
  return node.metadata?.['GENERATOR'] === 'event' || (type !== 'sidecar' && type !== 'router');
}

/** istiod's rule (statusgen.go): nothing sent → NOT_SENT, last sent acked → SYNCED, else STALE; a NACK of the last sent version → ERROR. */
function typeStatus(t: TypeStatus | undefined): statusV3.ConfigStatus {
  if (!t || !t.sentNonce) return statusV3.ConfigStatus.NOT_SENT;
  if (t.nacked && t.nacked.version === t.sentVersion) return statusV3.ConfigStatus.ERROR;
  return t.ackedVersion === t.sentVersion ? statusV3.ConfigStatus.SYNCED : statusV3.ConfigStatus.STALE;
}

/** One `ClientConfig` per connected proxy (debug clients left out), named by node id, as istiod's syncz. */
export function synczResources(connections: readonly ConnectionStatus[]): { name: string; resource: Any }[] {
  return connections.filter((c) => !isDebugNode({ id: c.nodeId })).map((c) => ({
    name: c.nodeId,
    resource: anyPack(statusV3.ClientConfigSchema, create(statusV3.ClientConfigSchema, {
      node: { id: c.nodeId },
      genericXdsConfigs: SYNCZ_TYPES.map((typeUrl) => ({ typeUrl, configStatus: typeStatus(c.types.find((t) => t.typeUrl === typeUrl)) })),
    })),
  }));
}

/** The control plane identity istioctl prints in its ISTIOD column (DiscoveryResponse.control_plane.identifier, istiod's JSON). */
export function controlPlaneIdentifier(version: string, id = `minipilot-${hostname()}`): string {
  return JSON.stringify({ Component: 'istiod', ID: id, Info: { version } });
}

/**
 * Answers one request of a debug client the way istiod's StatusGen does, or returns undefined for a
 * type that is not a debug type: `istio.io/debug/syncz` lists every connected proxy; `istio.io/debug/config_dump`
 * with exactly one resource name answers that proxy's ConfigDump configs as unnamed resources (none
 * when the name is missing or unknown). A proxy that is not connected is translated on demand.
 */
export function answerDebugRequest(req: discoveryV3.DiscoveryRequest, state: ProxyConfigState, version: string): discoveryV3.DiscoveryResponse | undefined {
  let resources: Any[];
  if (req.typeUrl === DEBUG_SYNCZ) {
    resources = synczResources(state.xds.connections()).map((r) => r.resource);
  } else if (req.typeUrl === DEBUG_CONFIG_DUMP) {
    resources = [];
    if (req.resourceNames.length === 1) {
      try {
        const found = lookupProxyConfig(state, req.resourceNames[0]!);
        resources = configDumpAnys(found.resources, found.versions);
      } catch {
        resources = []; // istiod answers a malformed or unknown proxy with no resources
      }
    }
  } else {
    return undefined;
  }
  return create(discoveryV3.DiscoveryResponseSchema, {
    versionInfo: new Date().toISOString(),
    typeUrl: req.typeUrl,
    resources,
    nonce: randomUUID(),
    controlPlane: { identifier: controlPlaneIdentifier(version) },
  });
}
