// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/envoy/extensions/filters/common/fault/v3/fault_pb.js';
