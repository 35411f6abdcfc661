import type { Message } from '@bufbuild/protobuf';
import { TypeUrl } from '@minipilot/envoy-api';
import { encodeXdsResource, XDS_TYPES, type EnvoyResources, type XdsTypeDescriptor } from '@minipilot/translation';
import { createResource, createSnapshot, type XdsResource, type XdsSnapshot } from '@minipilot/xds-server';

const encoded = new WeakMap<Message, XdsResource>();

/**
 * The encoded xDS resource of a generated message, encoded once per message instance: messages
 * shared through the resource cache are encoded once for every proxy and push that sends them.
 * Messages must not be mutated once encoded.
 */
export function encodeResource(type: XdsTypeDescriptor, message: Message): XdsResource {
  let r = encoded.get(message);
  if (!r) {
    r = createResource(type.name(message), encodeXdsResource(type, message));
    encoded.set(message, r);
  }
  return r;
}

/**
 * Encodes a whole resource set into an xDS snapshot (every generated type of the registry, plus SDS
 * as a known, empty type), each message through {@link encodeResource}.
 */
export function encodeSnapshot(res: EnvoyResources): XdsSnapshot {
  const byType: Record<string, XdsResource[]> = { [TypeUrl.Secret]: [] };
  for (const t of XDS_TYPES) byType[t.typeUrl] = res[t.kind].map((m) => encodeResource(t, m));
  return createSnapshot(byType);
}
