// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/envoy/extensions/filters/listener/original_dst/v3/original_dst_pb.js';
