// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/envoy/type/v3/hash_policy_pb.js';
export * from '../gen/envoy/type/v3/http_pb.js';
export * from '../gen/envoy/type/v3/http_status_pb.js';
export * from '../gen/envoy/type/v3/percent_pb.js';
export * from '../gen/envoy/type/v3/range_pb.js';
export * from '../gen/envoy/type/v3/ratelimit_strategy_pb.js';
export * from '../gen/envoy/type/v3/ratelimit_unit_pb.js';
export * from '../gen/envoy/type/v3/semantic_version_pb.js';
export * from '../gen/envoy/type/v3/token_bucket_pb.js';
