// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/envoy/config/route/v3/route_pb.js';
export * from '../gen/envoy/config/route/v3/route_components_pb.js';
export * from '../gen/envoy/config/route/v3/scoped_route_pb.js';
