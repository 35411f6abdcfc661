// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/envoy/extensions/filters/listener/http_inspector/v3/http_inspector_pb.js';
