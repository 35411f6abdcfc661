// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/xds/type/v3/typed_struct_pb.js';
