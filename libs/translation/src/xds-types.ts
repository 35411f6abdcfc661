import { toBinary, toJson, type DescMessage, type JsonValue, type Message } from '@bufbuild/protobuf';
import type { Kind } from '@minipilot/config';
import { clusterV3, endpointV3, envoyRegistry, listenerV3, ndsV1, routeV3, TypeUrl } from '@minipilot/envoy-api';
import type { ResourceKind } from './generate.js';

/**
 * One xDS resource type minipilot generates: everything the pipeline does per type (generate,
 * name, encode, check, show as JSON, order pushes, decide what a config change touches) reads this
 * descriptor, so adding a type (SDS, ...) is one more entry in {@link XDS_TYPES}.
 */
export interface XdsTypeDescriptor<K extends ResourceKind = ResourceKind> {
  readonly typeUrl: string;
  /** The field of `EnvoyResources` holding the type's resources (and the generator's name for it). */
  readonly kind: K;
  /** `cds`, `eds`, `lds`, `rds`: logs, metrics, the CLI's `--type`. */
  readonly shortName: string;
  readonly schema: DescMessage;
  /** The resource's xDS name. */
  name(resource: Message): string;
  /**
   * The config kinds whose changes can change resources of this type. A change that touches none
   * of them leaves the type's cached resources as they are (istiod's per-generator push filters).
   */
  readonly dependsOn: ReadonlySet<Kind>;
}

const REGISTRY_KINDS: readonly Kind[] = ['Service', 'ServiceEntry', 'EndpointSlice', 'Endpoints', 'Pod', 'Namespace', 'Node'];

/**
 * The generated xDS types in push order (CDS → EDS → LDS → RDS, make-before-break). Clusters and
 * load assignments never depend on VirtualServices or Gateways; listeners and routes do.
 * PeerAuthentication changes clusters (auto-mTLS), load assignments (tlsMode metadata) and
 * listeners (the inbound mTLS chains), never routes. istio-agent's NDS name table comes last (it is
 * no part of Envoy's make-before-break order) and depends on the registry only (istiod's nds.go skips
 * every other kind); its one resource is named ''.
 */
export const XDS_TYPES: readonly XdsTypeDescriptor[] = [
  { typeUrl: TypeUrl.Cluster, kind: 'clusters', shortName: 'cds', schema: clusterV3.ClusterSchema, name: (r) => (r as clusterV3.Cluster).name, dependsOn: new Set<Kind>([...REGISTRY_KINDS, 'DestinationRule', 'PeerAuthentication']) },
  { typeUrl: TypeUrl.ClusterLoadAssignment, kind: 'endpoints', shortName: 'eds', schema: endpointV3.ClusterLoadAssignmentSchema, name: (r) => (r as endpointV3.ClusterLoadAssignment).clusterName, dependsOn: new Set<Kind>([...REGISTRY_KINDS, 'DestinationRule', 'PeerAuthentication']) },
  { typeUrl: TypeUrl.Listener, kind: 'listeners', shortName: 'lds', schema: listenerV3.ListenerSchema, name: (r) => (r as listenerV3.Listener).name, dependsOn: new Set<Kind>([...REGISTRY_KINDS, 'DestinationRule', 'VirtualService', 'Gateway', 'PeerAuthentication']) },
  { typeUrl: TypeUrl.RouteConfiguration, kind: 'routes', shortName: 'rds', schema: routeV3.RouteConfigurationSchema, name: (r) => (r as routeV3.RouteConfiguration).name, dependsOn: new Set<Kind>([...REGISTRY_KINDS, 'DestinationRule', 'VirtualService', 'Gateway']) },
  { typeUrl: TypeUrl.NameTable, kind: 'nameTables', shortName: 'nds', schema: ndsV1.NameTableSchema, name: () => '', dependsOn: new Set<Kind>(REGISTRY_KINDS) },
];

/** The descriptor of a generated type URL, if minipilot generates it. */
export function xdsType(typeUrl: string): XdsTypeDescriptor | undefined {
  return XDS_TYPES.find((t) => t.typeUrl === typeUrl);
}

/**
 * Encodes one resource of a type (the bytes of `Any.value`). A RouteConfiguration is encoded as its
 * other fields followed by its virtual hosts, each encoded once per instance: route configurations
 * rebuilt from cached virtual hosts cost one host's encoding, not the whole table's. (Protobuf
 * parsers accept fields in any order; the bytes decode to the same message.)
 */
export function encodeXdsResource(type: XdsTypeDescriptor, resource: Message): Uint8Array {
  if (type.typeUrl === TypeUrl.RouteConfiguration) return encodeRouteConfiguration(resource as routeV3.RouteConfiguration);
  return toBinary(type.schema, resource);
}

const encodedHosts = new WeakMap<routeV3.VirtualHost, Uint8Array>();
const VIRTUAL_HOSTS_TAG = (2 << 3) | 2; // field 2, length-delimited

function encodeRouteConfiguration(rc: routeV3.RouteConfiguration): Uint8Array {
  const head = toBinary(routeV3.RouteConfigurationSchema, { ...rc, virtualHosts: [] });
  const hosts = rc.virtualHosts.map((vh) => {
    let b = encodedHosts.get(vh);
    if (!b) encodedHosts.set(vh, (b = toBinary(routeV3.VirtualHostSchema, vh)));
    return b;
  });
  let size = head.length;
  for (const b of hosts) size += 1 + varintSize(b.length) + b.length;
  const out = new Uint8Array(size);
  out.set(head, 0);
  let at = head.length;
  for (const b of hosts) {
    out[at++] = VIRTUAL_HOSTS_TAG;
    for (let n = b.length; ; n >>>= 7) {
      if (n < 0x80) { out[at++] = n; break; }
      out[at++] = (n & 0x7f) | 0x80;
    }
    out.set(b, at);
    at += b.length;
  }
  return out;
}

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) { n >>>= 7; size++; }
  return size;
}

/** One resource of a type in proto3 JSON (camelCase field names, `@type` on Any), as in an Envoy config dump. */
export function xdsResourceToJson(type: XdsTypeDescriptor, resource: Message): JsonValue {
  return toJson(type.schema, resource, { registry: envoyRegistry });
}
