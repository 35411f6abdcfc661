// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/envoy/type/metadata/v3/metadata_pb.js';
