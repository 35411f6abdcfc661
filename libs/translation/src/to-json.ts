import { toJson, type JsonValue } from '@bufbuild/protobuf';
import { envoyRegistry, listenerV3, routeV3, clusterV3, endpointV3 } from '@minipilot/envoy-api';
import type { EnvoyResources } from './resources.js';

/** Envoy resources in proto3 JSON form (as in an Envoy config dump), per type. */
export interface EnvoyResourcesJson {
  readonly listeners: JsonValue[];
  readonly routes: JsonValue[];
  readonly clusters: JsonValue[];
  readonly endpoints: JsonValue[];
}

/** Converts resources to proto3 JSON (camelCase field names, `@type` on Any), for dumps, goldens and the CLI. */
export function resourcesToJson(res: EnvoyResources): EnvoyResourcesJson {
  const opts = { registry: envoyRegistry };
  return {
    listeners: res.listeners.map((l) => toJson(listenerV3.ListenerSchema, l, opts)),
    routes: res.routes.map((r) => toJson(routeV3.RouteConfigurationSchema, r, opts)),
    clusters: res.clusters.map((c) => toJson(clusterV3.ClusterSchema, c, opts)),
    endpoints: res.endpoints.map((e) => toJson(endpointV3.ClusterLoadAssignmentSchema, e, opts)),
  };
}
