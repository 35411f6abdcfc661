import * as grpc from '@grpc/grpc-js';
import type { XdsServer } from './types.js';

/** Transport limits of the gRPC server (each a `--flag` of the discovery server; see its README). */
export interface GrpcServerLimits {
  /** Largest request message accepted (istiod's ISTIO_GPRC_MAXRECVMSGSIZE, 4 MiB); larger ones end the stream with RESOURCE_EXHAUSTED. */
  readonly maxReceiveMessageBytes?: number;
  /** Idle time after which the server pings a connection (istiod's keepalive interval, 30 s); 0 disables pings. */
  readonly keepaliveTimeMs?: number;
  /** How long a ping may go unanswered before the connection is closed (istiod: 10 s). */
  readonly keepaliveTimeoutMs?: number;
  /** Age after which a connection is asked to go away (GOAWAY) so clients rebalance; 0 means never (istiod's Helm chart: 30 m). */
  readonly maxConnectionAgeMs?: number;
}

/** The grpc-js channel options of {@link GrpcServerLimits} (unset ones keep grpc-js defaults). */
export function grpcServerOptions(limits: GrpcServerLimits = {}): grpc.ServerOptions {
  return {
    'grpc.max_receive_message_length': limits.maxReceiveMessageBytes ?? 4 * 1024 * 1024,
    ...(limits.keepaliveTimeMs ? { 'grpc.keepalive_time_ms': limits.keepaliveTimeMs, 'grpc.keepalive_timeout_ms': limits.keepaliveTimeoutMs ?? 10_000 } : {}),
    ...(limits.maxConnectionAgeMs ? { 'grpc.max_connection_age_ms': limits.maxConnectionAgeMs, 'grpc.max_connection_age_grace_ms': 10_000 } : {}),
  };
}

/**
 * Returns a started grpc.Server with the ADS service bound on `address` (e.g. '127.0.0.1:0',
 * insecure), resolving with the bound port.
 */
export function listenXds(server: XdsServer, address: string, limits: GrpcServerLimits = {}): Promise<{ grpcServer: grpc.Server; port: number }> {
  const grpcServer = new grpc.Server(grpcServerOptions(limits));
  grpcServer.addService(server.service, server.implementation);
  return new Promise((resolve, reject) => {
    grpcServer.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, port) => {
      if (err) reject(err);
      else resolve({ grpcServer, port });
    });
  });
}
