// Envoy proto package re-exported as one module (generated code lives in ../gen): the admin config dump
// messages (ListenersConfigDump, ClustersConfigDump, RoutesConfigDump, EndpointsConfigDump) for /debug/config_dump.
export * from '../gen/envoy/admin/v3/config_dump_shared_pb.js';
