// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/envoy/config/core/v3/address_pb.js';
export * from '../gen/envoy/config/core/v3/backoff_pb.js';
export * from '../gen/envoy/config/core/v3/base_pb.js';
export * from '../gen/envoy/config/core/v3/config_source_pb.js';
export * from '../gen/envoy/config/core/v3/event_service_config_pb.js';
export * from '../gen/envoy/config/core/v3/extension_pb.js';
export * from '../gen/envoy/config/core/v3/grpc_method_list_pb.js';
export * from '../gen/envoy/config/core/v3/grpc_service_pb.js';
export * from '../gen/envoy/config/core/v3/health_check_pb.js';
export * from '../gen/envoy/config/core/v3/http_service_pb.js';
export * from '../gen/envoy/config/core/v3/http_uri_pb.js';
export * from '../gen/envoy/config/core/v3/protocol_pb.js';
export * from '../gen/envoy/config/core/v3/proxy_protocol_pb.js';
export * from '../gen/envoy/config/core/v3/resolver_pb.js';
export * from '../gen/envoy/config/core/v3/socket_option_pb.js';
export * from '../gen/envoy/config/core/v3/substitution_format_string_pb.js';
export * from '../gen/envoy/config/core/v3/udp_socket_config_pb.js';
