import { create, type DescMessage, type MessageShape, type MessageInitShape, type JsonObject } from '@bufbuild/protobuf';
import { anyPack, type Any, type Duration, DurationSchema } from '@bufbuild/protobuf/wkt';
import { coreV3 } from '@minipilot/envoy-api';
import { parseDuration } from '@minipilot/config';

/** Packs a message as `Any` (typed_config): `typed(RouterSchema, {})`. */
export function typed<D extends DescMessage>(schema: D, init: MessageInitShape<D> | MessageShape<D>): Any {
  return anyPack(schema, create(schema, init as MessageInitShape<D>));
}

/** A config source pointing at the ADS stream the proxy already has. */
export function adsConfigSource(initialFetchTimeout?: Duration): coreV3.ConfigSource {
  return create(coreV3.ConfigSourceSchema, {
    configSourceSpecifier: { case: 'ads', value: {} },
    resourceApiVersion: coreV3.ApiVersion.V3,
    ...(initialFetchTimeout ? { initialFetchTimeout } : {}),
  });
}

/** A google.protobuf.Duration from a Go-style string (`10s`, `500ms`); throws on a malformed value. */
export function duration(text: string): Duration {
  const d = parseDuration(text);
  if (!d) throw new Error(`invalid duration ${JSON.stringify(text)}`);
  return create(DurationSchema, { seconds: d.seconds, nanos: d.nanos });
}

/** A google.protobuf.Duration of whole milliseconds. */
export function millis(ms: number): Duration {
  return create(DurationSchema, { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 });
}

/** A socket address `address:port`. */
export function socketAddress(address: string, port: number): coreV3.Address {
  return create(coreV3.AddressSchema, {
    address: { case: 'socketAddress', value: { address, portSpecifier: { case: 'portValue', value: port } } },
  });
}

/** Metadata with `filter_metadata.istio = fields` (the `config` path istioctl reads, services, ...). */
export function istioMetadata(fields: JsonObject): coreV3.Metadata {
  return create(coreV3.MetadataSchema, { filterMetadata: { istio: fields } });
}
