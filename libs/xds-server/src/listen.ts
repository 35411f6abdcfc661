import * as grpc from '@grpc/grpc-js';
import { createTransportGuard, type TransportLimitName } from './transport-guard.js';
import type { XdsServer } from './types.js';

/** Transport limits of the gRPC server (each a `--flag` of the discovery server; see its README). */
export interface GrpcServerLimits {
  /** Largest request message accepted (istiod's ISTIO_GPRC_MAXRECVMSGSIZE, 4 MiB); larger ones end the stream with RESOURCE_EXHAUSTED. */
  readonly maxReceiveMessageBytes?: number;
  /** HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS per connection (istiod's ISTIO_GPRC_MAXSTREAMS, 100000). */
  readonly maxConcurrentStreams?: number;
  /** Idle time after which the server pings a connection (istiod's keepalive interval, 30 s); 0 disables pings. */
  readonly keepaliveTimeMs?: number;
  /** How long a ping may go unanswered before the connection is closed (istiod: 10 s). */
  readonly keepaliveTimeoutMs?: number;
  /**
   * Shortest interval between a client's pings before they count as strikes (istiod: half the
   * keepalive interval, 15 s); 0 disables enforcement. Default: half of `keepaliveTimeMs`, else 15 s.
   */
  readonly keepaliveMinTimeMs?: number;
  /** Age after which a connection is asked to go away (GOAWAY) so clients rebalance; 0 means never (istiod's Helm chart: 30 m). */
  readonly maxConnectionAgeMs?: number;
  /** Called when a connection runs into one of these limits (for `minipilot_xds_limit_hits`). */
  readonly onLimit?: (limit: TransportLimitName, peer: string) => void;
}

/** A gRPC server's options built from {@link GrpcServerLimits}, and the hook to call once it is bound. */
export interface GrpcTransport {
  /** grpc-js server options (unset limits keep grpc-js defaults); merge extra interceptors after these. */
  readonly options: grpc.ServerOptions;
  /** Starts watching the bound server's HTTP/2 sessions (stream counts, ping rate). */
  watch(server: grpc.Server): void;
}

/** Default for the advertised streams per connection: istiod's ISTIO_GPRC_MAXSTREAMS. */
const DEFAULT_MAX_CONCURRENT_STREAMS = 100_000;

/** Builds the grpc-js options and the transport guard for `limits` (shared by 15010 and 15012). */
export function createGrpcTransport(limits: GrpcServerLimits = {}): GrpcTransport {
  const guard = createTransportGuard({
    maxConcurrentStreams: limits.maxConcurrentStreams ?? DEFAULT_MAX_CONCURRENT_STREAMS,
    keepaliveMinTimeMs: limits.keepaliveMinTimeMs ?? (limits.keepaliveTimeMs ? limits.keepaliveTimeMs / 2 : 15_000),
    onLimit: (limit, peer) => limits.onLimit?.(limit, peer),
  });
  return {
    options: {
      'grpc.max_receive_message_length': limits.maxReceiveMessageBytes ?? 4 * 1024 * 1024,
      'grpc.max_concurrent_streams': limits.maxConcurrentStreams ?? DEFAULT_MAX_CONCURRENT_STREAMS,
      ...(limits.keepaliveTimeMs ? { 'grpc.keepalive_time_ms': limits.keepaliveTimeMs, 'grpc.keepalive_timeout_ms': limits.keepaliveTimeoutMs ?? 10_000 } : {}),
      ...(limits.maxConnectionAgeMs ? { 'grpc.max_connection_age_ms': limits.maxConnectionAgeMs, 'grpc.max_connection_age_grace_ms': 10_000 } : {}),
      interceptors: [guard.interceptor],
    },
    watch: (server) => {
      guard.watch(server);
    },
  };
}

/**
 * Returns a started grpc.Server with the ADS service bound on `address` (e.g. '127.0.0.1:0',
 * insecure), resolving with the bound port.
 */
export function listenXds(server: XdsServer, address: string, limits: GrpcServerLimits = {}): Promise<{ grpcServer: grpc.Server; port: number }> {
  const transport = createGrpcTransport(limits);
  const grpcServer = new grpc.Server(transport.options);
  grpcServer.addService(server.service, server.implementation);
  return new Promise((resolve, reject) => {
    grpcServer.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, port) => {
      if (err) reject(err);
      else {
        transport.watch(grpcServer);
        resolve({ grpcServer, port });
      }
    });
  });
}
