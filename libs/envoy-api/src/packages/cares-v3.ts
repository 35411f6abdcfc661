// Envoy proto package re-exported as one module (generated code lives in ../gen).
export * from '../gen/envoy/extensions/network/dns_resolver/cares/v3/cares_dns_resolver_pb.js';
