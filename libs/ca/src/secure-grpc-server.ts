import * as grpc from '@grpc/grpc-js';
import type { Authenticator } from './authenticator.js';
import { CaError } from './ca-error.js';
import type { GrpcService } from './ca-service.js';
import type { Logger } from './logger.js';
import { checkProxyIdentity, type NodeLike } from './proxy-identity.js';
import type { ServingCertificate } from './serving-certificate.js';

/** Options of {@link listenSecureGrpc}. */
export interface SecureGrpcOptions {
  /** e.g. `0.0.0.0:15012` or `127.0.0.1:0`. */
  readonly address: string;
  /** The serving certificate (re-issued before it expires; new connections get the new one). */
  readonly serving: ServingCertificate;
  /** The services to serve: the CA service (it authenticates itself) and the ADS service. */
  readonly services: readonly GrpcService[];
  /** Authenticates every xDS stream before its first message is handed on. */
  readonly authenticator: Authenticator;
  /** gRPC method paths authorised as xDS streams (default: every method of envoy's discovery services). */
  readonly isXdsMethod?: (path: string) => boolean;
  readonly logger: Logger;
  /**
   * Transport options (size, streams and keepalive limits) to share with the plaintext port, and a
   * hook called once the server is bound; the authentication interceptor runs after theirs.
   */
  readonly transport?: { readonly options: grpc.ServerOptions; watch(server: grpc.Server): void };
}

/** A running secure gRPC server. */
export interface SecureGrpcServer {
  readonly server: grpc.Server;
  readonly port: number;
}

const defaultIsXds = (path: string): boolean => path.startsWith('/envoy.service.discovery.v3.');

/**
 * Serves gRPC over TLS (istiod's 15012): the given services, with xDS streams authenticated by the
 * caller's token (UNAUTHENTICATED `authentication failure` otherwise, as istiod) and authorised by
 * the node of their first request: a proxy may only ask for its own namespace's config
 * (PERMISSION_DENIED otherwise). The CA service authenticates its own calls.
 */
export async function listenSecureGrpc(o: SecureGrpcOptions): Promise<SecureGrpcServer> {
  const isXds = o.isXdsMethod ?? defaultIsXds;
  const log = o.logger;
  const interceptor: grpc.ServerInterceptor = (method, call) => {
    if (!isXds(method.path)) return new grpc.ServerInterceptingCall(call);
    let identities: readonly string[] | undefined;
    let checkedNode = false;
    let refused = false;
    const intercepting: grpc.ServerInterceptingCall = new grpc.ServerInterceptingCall(call, {
      start(next) {
        next(new grpc.ServerListenerBuilder()
          .withOnReceiveMetadata((metadata, proceed) => {
            o.authenticator.authenticate(metadata).then(
              (caller) => {
                identities = caller.identities;
                proceed(metadata);
              },
              (err: unknown) => {
                refused = true;
                const why = err instanceof CaError ? err.message : String(err);
                log.error({ scope: 'ads', peer: call.getPeer(), authenticator: o.authenticator.name }, `Failed to authenticate client: ${why}`);
                intercepting.sendStatus({ code: grpc.status.UNAUTHENTICATED, details: 'authentication failure', metadata: new grpc.Metadata() });
              },
            );
          })
          .withOnReceiveMessage((message: { node?: NodeLike }, proceed) => {
            if (refused) return;
            if (!checkedNode) {
              checkedNode = true;
              const denied = message.node ? checkProxyIdentity(message.node, identities ?? []) : undefined;
              if (denied) {
                refused = true;
                log.warn({ scope: 'ads', peer: call.getPeer(), node: message.node?.id }, denied);
                intercepting.sendStatus({ code: grpc.status.PERMISSION_DENIED, details: denied, metadata: new grpc.Metadata() });
                return;
              }
            }
            proceed(message);
          })
          .build());
      },
    });
    return intercepting;
  };
  const base = o.transport?.options ?? {};
  const server = new grpc.Server({ ...base, interceptors: [...(base.interceptors ?? []), interceptor] });
  for (const s of o.services) server.addService(s.service, s.implementation);
  // grpc-js names the first parameter caCertificateProvider but uses it as the identity provider.
  const creds = grpc.experimental.createCertificateProviderServerCredentials(o.serving.grpcProvider, null, false);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync(o.address, creds, (err, p) => (err ? reject(err) : resolve(p))));
  o.transport?.watch(server);
  return { server, port };
}
