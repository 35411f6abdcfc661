import * as grpc from '@grpc/grpc-js';

// A tiny gRPC service without .proto files: requests and replies are raw bytes (UTF-8 text).
const passthrough = { serialize: (b: Buffer) => b, deserialize: (b: Buffer) => b };
const METHOD = '/minipilot.test.Greeter/SayHello';

/** The service definition shared by the test backends and clients. */
export const greeterService: grpc.ServiceDefinition = {
  SayHello: {
    path: METHOD, requestStream: false, responseStream: false,
    requestSerialize: passthrough.serialize, requestDeserialize: passthrough.deserialize,
    responseSerialize: passthrough.serialize, responseDeserialize: passthrough.deserialize,
  },
};

/** Starts a backend on 127.0.0.1 (port 0) that answers every call with `name`. */
export async function startGreeterBackend(name: string): Promise<{ port: number; stop: () => Promise<void> }> {
  const server = new grpc.Server();
  server.addService(greeterService, {
    SayHello: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => cb(null, Buffer.from(name)),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  return { port, stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())) };
}

/** A client for `target` (e.g. `xds:///greeter:50051`) with extra channel options. */
export function createGreeterClient(target: string, options: grpc.ChannelOptions): { call: (metadata?: Record<string, string>) => Promise<string>; close: () => void } {
  const Client = grpc.makeGenericClientConstructor(greeterService, 'Greeter');
  const client = new Client(target, grpc.credentials.createInsecure(), options) as grpc.Client & Record<string, Function>;
  return {
    call: (metadata = {}) => new Promise<string>((resolve, reject) => {
      const md = new grpc.Metadata();
      for (const [k, v] of Object.entries(metadata)) md.set(k, v);
      client['SayHello']!(Buffer.from('hi'), md, { deadline: Date.now() + 10_000 }, (err: Error | null, reply?: Buffer) => (err ? reject(err) : resolve(reply!.toString())));
    }),
    close: () => client.close(),
  };
}

/**
 * A greeter client that resolves `xds:///greeter:50051` through minipilot on `xdsPort`, as proxyless
 * node `nodeId`, optionally placed at `locality` (the bootstrap's node.locality).
 */
export function createXdsGreeterClient(xdsPort: number, nodeId: string, locality: { region?: string; zone?: string; sub_zone?: string } = {}): ReturnType<typeof createGreeterClient> {
  const bootstrap = {
    xds_servers: [{ server_uri: `127.0.0.1:${xdsPort}`, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
    node: { id: nodeId, cluster: 'client', locality, metadata: { GENERATOR: 'grpc', NAMESPACE: 'default' } },
  };
  return createGreeterClient('xds:///greeter:50051', { 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': JSON.stringify(bootstrap) });
}

/** Polls `probe` every 20 ms until it returns a value; rejects naming `what` after `timeoutMs`. */
export async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
