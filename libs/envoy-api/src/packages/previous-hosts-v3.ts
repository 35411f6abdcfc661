// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/envoy/extensions/retry/host/previous_hosts/v3/previous_hosts_pb.js';
