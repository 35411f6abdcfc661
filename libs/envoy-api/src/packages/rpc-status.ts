// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/google/rpc/status_pb.js';
