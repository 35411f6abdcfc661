// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/envoy/service/status/v3/csds_pb.js';
