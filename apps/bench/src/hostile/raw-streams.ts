import * as http2 from 'node:http2';
import { create, toBinary } from '@bufbuild/protobuf';
import { discoveryV3 } from '@minipilot/envoy-api';

const SOTW_PATH = '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources';

/** Frames a DiscoveryRequest as one gRPC length-prefixed message. */
export function grpcFrame(init: Parameters<typeof create<typeof discoveryV3.DiscoveryRequestSchema>>[1]): Buffer {
  const msg = toBinary(discoveryV3.DiscoveryRequestSchema, create(discoveryV3.DiscoveryRequestSchema, init));
  const frame = Buffer.alloc(5 + msg.length);
  frame.writeUInt32BE(msg.length, 1);
  frame.set(msg, 5);
  return frame;
}

/** A SotW ADS stream over raw HTTP/2 that never reads: its receive window is 0, so no response reaches it. */
export interface NonReadingStream {
  write(frame: Buffer): void;
  close(): void;
}

export function openNonReadingStream(port: number): NonReadingStream {
  const session = http2.connect(`http://127.0.0.1:${port}`, { settings: { initialWindowSize: 0 } });
  session.on('error', () => {});
  const stream = session.request({ ':method': 'POST', ':path': SOTW_PATH, 'content-type': 'application/grpc', te: 'trailers' });
  stream.on('error', () => {});
  return {
    write: (frame) => void stream.write(frame),
    close: () => session.destroy(),
  };
}
