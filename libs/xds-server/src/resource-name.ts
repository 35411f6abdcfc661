import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { TypeUrl } from '@minipilot/envoy-api';

/**
 * Returns the name of an encoded xDS resource: field 1 as a string, which is `name` in Listener,
 * RouteConfiguration, Cluster, Secret and VirtualHost and `cluster_name` in ClusterLoadAssignment.
 * Returns '' if the bytes hold no such field (or are not a protobuf message), and for istio-agent's
 * NDS NameTable (`typeUrl`), whose one resource has no name (its field 1 is the table).
 */
export function resourceNameOf(value: Uint8Array, typeUrl?: string): string {
  if (typeUrl === TypeUrl.NameTable) return '';
  try {
    const reader = new BinaryReader(value);
    let name = '';
    while (reader.pos < reader.len) {
      const [field, wireType] = reader.tag();
      if (field === 1 && wireType === WireType.LengthDelimited) name = reader.string();
      else reader.skip(wireType, field);
    }
    return name;
  } catch {
    return '';
  }
}
