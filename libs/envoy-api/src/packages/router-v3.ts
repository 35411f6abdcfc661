// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/envoy/extensions/filters/http/router/v3/router_pb.js';
