import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';

/**
 * Returns the name of an encoded xDS resource: field 1 as a string, which is `name` in Listener,
 * RouteConfiguration, Cluster, Secret and VirtualHost and `cluster_name` in ClusterLoadAssignment.
 * Returns '' if the bytes hold no such field (or are not a protobuf message).
 */
export function resourceNameOf(value: Uint8Array): string {
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
