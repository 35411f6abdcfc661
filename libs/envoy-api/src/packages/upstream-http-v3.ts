// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/envoy/extensions/upstreams/http/v3/http_protocol_options_pb.js';
