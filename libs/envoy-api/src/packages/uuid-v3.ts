// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/envoy/extensions/request_id/uuid/v3/uuid_pb.js';
