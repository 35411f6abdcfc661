// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/envoy/service/discovery/v3/discovery_pb.js';
export * from '../gen/envoy/service/discovery/v3/ads_pb.js';
