/**
 * @minipilot/xds-server: the xDS protocol engine. Serves Envoy's AggregatedDiscoveryService (SotW and
 * delta) on @grpc/grpc-js from per-proxy snapshots of opaque encoded resources; it does no translation.
 */
export { createResource, createSnapshot } from './snapshot.js';
export type { XdsResource, XdsSnapshot } from './snapshot.js';
export type {
  SnapshotSource,
  XdsEvent,
  TypeStatus,
  ConnectionStatus,
  XdsServerOptions,
  XdsServer,
  Logger,
} from './types.js';
export type { NackRecord } from './nack-log.js';
export { createXdsServer } from './xds-server.js';
export { listenXds, createGrpcTransport } from './listen.js';
export type { GrpcServerLimits, GrpcTransport } from './listen.js';
export type { TransportLimitName } from './transport-guard.js';
export { DEFAULT_XDS_LIMITS, truncate } from './limits.js';
export type { XdsLimits, LimitName } from './limits.js';
export type { AdmissionOptions } from './admission.js';
export { adsServiceDefinition, ADS_SERVICE_NAME } from './ads-service.js';
export { createAdsClient, decodeResources } from './ads-client.js';
export type { AdsClient, AdsRequestInit, AdsResponse, AdsResource, NodeInit } from './ads-client.js';
export { classifyRequest } from './classify-request.js';
export type { RequestKind, ClassifyState, ClassifyInput } from './classify-request.js';
export { resourceNameOf } from './resource-name.js';
