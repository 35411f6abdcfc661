// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/envoy/extensions/transport_sockets/raw_buffer/v3/raw_buffer_pb.js';
