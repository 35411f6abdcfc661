// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/envoy/type/matcher/v3/filter_state_pb.js';
export * from '../gen/envoy/type/matcher/v3/http_inputs_pb.js';
export * from '../gen/envoy/type/matcher/v3/metadata_pb.js';
export * from '../gen/envoy/type/matcher/v3/node_pb.js';
export * from '../gen/envoy/type/matcher/v3/number_pb.js';
export * from '../gen/envoy/type/matcher/v3/path_pb.js';
export * from '../gen/envoy/type/matcher/v3/regex_pb.js';
export * from '../gen/envoy/type/matcher/v3/status_code_input_pb.js';
export * from '../gen/envoy/type/matcher/v3/string_pb.js';
export * from '../gen/envoy/type/matcher/v3/struct_pb.js';
export * from '../gen/envoy/type/matcher/v3/value_pb.js';
