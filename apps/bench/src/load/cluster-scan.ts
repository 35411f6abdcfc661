import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';

const EDS = 3; // envoy.config.cluster.v3.Cluster.DiscoveryType.EDS

/**
 * The ClusterLoadAssignment name an encoded Cluster asks for over EDS (`eds_cluster_config.service_name`,
 * else its `name`), or undefined when it is not an EDS cluster: what a load client needs to follow
 * CDS, read from the wire without decoding the whole Cluster (thousands per client per push).
 */
export function edsNameOfEncoded(bytes: Uint8Array): string | undefined {
  const r = new BinaryReader(bytes);
  let name = '';
  let type = 0;
  let serviceName = '';
  while (r.pos < r.len) {
    const [field, wire] = r.tag();
    if (field === 1 && wire === WireType.LengthDelimited) name = r.string();
    else if (field === 2 && wire === WireType.Varint) type = r.int32();
    else if (field === 3 && wire === WireType.LengthDelimited) {
      const sub = new BinaryReader(r.bytes());
      while (sub.pos < sub.len) {
        const [f, w] = sub.tag();
        if (f === 2 && w === WireType.LengthDelimited) serviceName = sub.string();
        else sub.skip(w, f);
      }
    } else r.skip(wire, field);
  }
  return type === EDS ? serviceName || name : undefined;
}
