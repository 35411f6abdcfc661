// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/envoy/config/cluster/v3/cluster_pb.js';
export * from '../gen/envoy/config/cluster/v3/circuit_breaker_pb.js';
export * from '../gen/envoy/config/cluster/v3/filter_pb.js';
export * from '../gen/envoy/config/cluster/v3/outlier_detection_pb.js';
