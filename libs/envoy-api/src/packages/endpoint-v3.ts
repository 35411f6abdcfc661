// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/envoy/config/endpoint/v3/endpoint_pb.js';
export * from '../gen/envoy/config/endpoint/v3/endpoint_components_pb.js';
export * from '../gen/envoy/config/endpoint/v3/load_report_pb.js';
