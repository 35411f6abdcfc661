// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector_pb.js';
