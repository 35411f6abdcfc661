// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/udpa/type/v1/typed_struct_pb.js';
