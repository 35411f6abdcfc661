// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
