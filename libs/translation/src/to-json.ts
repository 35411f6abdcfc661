import type { JsonValue } from '@bufbuild/protobuf';
import { XDS_TYPES, xdsResourceToJson } from './xds-types.js';
import type { EnvoyResources } from './resources.js';

/** Envoy resources in proto3 JSON form (as in an Envoy config dump), per type. */
export interface EnvoyResourcesJson {
  readonly listeners: JsonValue[];
  readonly routes: JsonValue[];
  readonly clusters: JsonValue[];
  readonly endpoints: JsonValue[];
  readonly nameTables: JsonValue[];
}

/** Converts resources to proto3 JSON (camelCase field names, `@type` on Any), for dumps, goldens and the CLI. */
export function resourcesToJson(res: EnvoyResources): EnvoyResourcesJson {
  const out = { listeners: [], routes: [], clusters: [], endpoints: [], nameTables: [] } as Record<keyof EnvoyResourcesJson, JsonValue[]>;
  for (const type of XDS_TYPES) out[type.kind] = res[type.kind].map((r) => xdsResourceToJson(type, r));
  return out;
}
