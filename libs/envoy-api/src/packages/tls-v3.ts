// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js';
export * from '../gen/envoy/extensions/transport_sockets/tls/v3/common_pb.js';
export * from '../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js';
export * from '../gen/envoy/extensions/transport_sockets/tls/v3/cert_pb.js';
