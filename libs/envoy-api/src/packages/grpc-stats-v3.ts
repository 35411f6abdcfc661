// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/envoy/extensions/filters/http/grpc_stats/v3/config_pb.js';
