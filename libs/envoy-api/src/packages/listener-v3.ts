// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/envoy/config/listener/v3/listener_pb.js';
export * from '../gen/envoy/config/listener/v3/listener_components_pb.js';
export * from '../gen/envoy/config/listener/v3/api_listener_pb.js';
export * from '../gen/envoy/config/listener/v3/udp_listener_config_pb.js';
export * from '../gen/envoy/config/listener/v3/quic_config_pb.js';
