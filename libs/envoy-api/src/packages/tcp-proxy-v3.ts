// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy_pb.js';
