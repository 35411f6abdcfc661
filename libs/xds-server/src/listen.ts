import * as grpc from '@grpc/grpc-js';
import type { XdsServer } from './types.js';

/**
 * Returns a started grpc.Server with the ADS service bound on `address` (e.g. '127.0.0.1:0',
 * insecure), resolving with the bound port.
 */
export function listenXds(server: XdsServer, address: string): Promise<{ grpcServer: grpc.Server; port: number }> {
  const grpcServer = new grpc.Server();
  grpcServer.addService(server.service, server.implementation);
  return new Promise((resolve, reject) => {
    grpcServer.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, port) => {
      if (err) reject(err);
      else resolve({ grpcServer, port });
    });
  });
}
