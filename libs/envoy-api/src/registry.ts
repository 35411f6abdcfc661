import { createRegistry, type DescMessage, type Registry } from '@bufbuild/protobuf';
import { file_envoy_config_listener_v3_listener } from './gen/envoy/config/listener/v3/listener_pb.js';
import { file_envoy_config_route_v3_route } from './gen/envoy/config/route/v3/route_pb.js';
import { file_envoy_config_cluster_v3_cluster } from './gen/envoy/config/cluster/v3/cluster_pb.js';
import { file_envoy_config_endpoint_v3_endpoint } from './gen/envoy/config/endpoint/v3/endpoint_pb.js';
import { file_envoy_extensions_filters_network_http_connection_manager_v3_http_connection_manager } from './gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js';
import { file_envoy_extensions_filters_network_tcp_proxy_v3_tcp_proxy } from './gen/envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy_pb.js';
import { file_envoy_extensions_filters_http_router_v3_router } from './gen/envoy/extensions/filters/http/router/v3/router_pb.js';
import { file_envoy_extensions_filters_http_fault_v3_fault } from './gen/envoy/extensions/filters/http/fault/v3/fault_pb.js';
import { file_envoy_extensions_filters_http_cors_v3_cors } from './gen/envoy/extensions/filters/http/cors/v3/cors_pb.js';
import { file_envoy_extensions_filters_http_grpc_stats_v3_config } from './gen/envoy/extensions/filters/http/grpc_stats/v3/config_pb.js';
import { file_envoy_extensions_filters_listener_original_dst_v3_original_dst } from './gen/envoy/extensions/filters/listener/original_dst/v3/original_dst_pb.js';
import { file_envoy_extensions_filters_listener_http_inspector_v3_http_inspector } from './gen/envoy/extensions/filters/listener/http_inspector/v3/http_inspector_pb.js';
import { file_envoy_extensions_filters_listener_tls_inspector_v3_tls_inspector } from './gen/envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector_pb.js';
import { file_envoy_extensions_transport_sockets_tls_v3_tls } from './gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js';
import { file_envoy_extensions_transport_sockets_tls_v3_secret } from './gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js';
import { file_envoy_extensions_transport_sockets_raw_buffer_v3_raw_buffer } from './gen/envoy/extensions/transport_sockets/raw_buffer/v3/raw_buffer_pb.js';
import { file_envoy_extensions_upstreams_http_v3_http_protocol_options } from './gen/envoy/extensions/upstreams/http/v3/http_protocol_options_pb.js';
import { file_envoy_extensions_retry_host_previous_hosts_v3_previous_hosts } from './gen/envoy/extensions/retry/host/previous_hosts/v3/previous_hosts_pb.js';
import { file_envoy_extensions_retry_priority_previous_priorities_v3_previous_priorities_config } from './gen/envoy/extensions/retry/priority/previous_priorities/v3/previous_priorities_config_pb.js';
import { file_envoy_extensions_request_id_uuid_v3_uuid } from './gen/envoy/extensions/request_id/uuid/v3/uuid_pb.js';
import { file_envoy_extensions_network_dns_resolver_cares_v3_cares_dns_resolver } from './gen/envoy/extensions/network/dns_resolver/cares/v3/cares_dns_resolver_pb.js';
import { file_envoy_service_discovery_v3_discovery } from './gen/envoy/service/discovery/v3/discovery_pb.js';
import { file_envoy_service_status_v3_csds } from './gen/envoy/service/status/v3/csds_pb.js';
import { file_udpa_type_v1_typed_struct } from './gen/udpa/type/v1/typed_struct_pb.js';
import { file_xds_type_v3_typed_struct } from './gen/xds/type/v3/typed_struct_pb.js';
import { file_istio_networking_nds_v1_nds } from './gen/istio/networking/nds/v1/nds_pb.js';

/**
 * Every generated file minipilot emits or reads (their imports come along), so `Any` fields can be
 * packed, unpacked and printed as proto3 JSON (`toJson(schema, msg, { registry: envoyRegistry })`).
 */
export const envoyRegistry: Registry = createRegistry(
  file_envoy_config_listener_v3_listener,
  file_envoy_config_route_v3_route,
  file_envoy_config_cluster_v3_cluster,
  file_envoy_config_endpoint_v3_endpoint,
  file_envoy_extensions_filters_network_http_connection_manager_v3_http_connection_manager,
  file_envoy_extensions_filters_network_tcp_proxy_v3_tcp_proxy,
  file_envoy_extensions_filters_http_router_v3_router,
  file_envoy_extensions_filters_http_fault_v3_fault,
  file_envoy_extensions_filters_http_cors_v3_cors,
  file_envoy_extensions_filters_http_grpc_stats_v3_config,
  file_envoy_extensions_filters_listener_original_dst_v3_original_dst,
  file_envoy_extensions_filters_listener_http_inspector_v3_http_inspector,
  file_envoy_extensions_filters_listener_tls_inspector_v3_tls_inspector,
  file_envoy_extensions_transport_sockets_tls_v3_tls,
  file_envoy_extensions_transport_sockets_tls_v3_secret,
  file_envoy_extensions_transport_sockets_raw_buffer_v3_raw_buffer,
  file_envoy_extensions_upstreams_http_v3_http_protocol_options,
  file_envoy_extensions_retry_host_previous_hosts_v3_previous_hosts,
  file_envoy_extensions_retry_priority_previous_priorities_v3_previous_priorities_config,
  file_envoy_extensions_request_id_uuid_v3_uuid,
  file_envoy_extensions_network_dns_resolver_cares_v3_cares_dns_resolver,
  file_envoy_service_discovery_v3_discovery,
  file_envoy_service_status_v3_csds,
  file_udpa_type_v1_typed_struct,
  file_xds_type_v3_typed_struct,
  file_istio_networking_nds_v1_nds,
);

/** Looks up a message schema by type URL (`type.googleapis.com/<name>`) or full name; undefined if unknown. */
export function messageSchemaFor(typeUrlOrName: string): DescMessage | undefined {
  const name = typeUrlOrName.slice(typeUrlOrName.lastIndexOf('/') + 1);
  return envoyRegistry.getMessage(name);
}
