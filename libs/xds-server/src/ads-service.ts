import { fromBinary, toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import type * as grpc from '@grpc/grpc-js';
import { discoveryV3 } from '@minipilot/envoy-api';

/** The fully-qualified name of the ADS service. */
export const ADS_SERVICE_NAME = 'envoy.service.discovery.v3.AggregatedDiscoveryService';

/** Returns a bidi-streaming method definition that (de)serializes with protobuf-es. */
function bidiMethod<I extends DescMessage, O extends DescMessage>(
  name: string,
  input: I,
  output: O,
): grpc.MethodDefinition<MessageShape<I>, MessageShape<O>> {
  return {
    path: `/${ADS_SERVICE_NAME}/${name}`,
    originalName: name,
    requestStream: true,
    responseStream: true,
    requestSerialize: (message) => toBuffer(toBinary(input, message)),
    requestDeserialize: (bytes) => fromBinary(input, bytes),
    responseSerialize: (message) => toBuffer(toBinary(output, message)),
    responseDeserialize: (bytes) => fromBinary(output, bytes),
  };
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The hand-written grpc-js definition of `AggregatedDiscoveryService` (no grpc codegen): SotW
 * `StreamAggregatedResources` and incremental `DeltaAggregatedResources`.
 * See https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol#aggregated-discovery-service
 */
export const adsServiceDefinition = {
  StreamAggregatedResources: bidiMethod(
    'StreamAggregatedResources',
    discoveryV3.DiscoveryRequestSchema,
    discoveryV3.DiscoveryResponseSchema,
  ),
  DeltaAggregatedResources: bidiMethod(
    'DeltaAggregatedResources',
    discoveryV3.DeltaDiscoveryRequestSchema,
    discoveryV3.DeltaDiscoveryResponseSchema,
  ),
} as const satisfies grpc.ServiceDefinition;
