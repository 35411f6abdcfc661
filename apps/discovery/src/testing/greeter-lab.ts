import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createFileSource } from '@minipilot/config-sources';
import { startDiscoveryServer, type DiscoveryOptions, type DiscoveryServer } from '../discovery-server.js';
import { createLogger } from '../logger.js';
import { startGreeterBackend, createXdsGreeterClient } from './greeter.js';
import { greeterRegistry } from './greeter-registry.js';

/**
 * The registry of the greeter end-to-end tests as YAML: Service `greeter` (default, port 50051) with
 * two Pods on 127.0.0.1 whose EndpointSlices point at the real backends on `v1Port` and `v2Port`,
 * and a DestinationRule with subsets v1 and v2.
 */
export function greeterLabRegistry(v1Port: number, v2Port: number): string {
  return `${greeterRegistry([{ name: 'v1', port: v1Port, labels: { version: 'v1' } }, { name: 'v2', port: v2Port, labels: { version: 'v2' } }])}---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: greeter}
spec:
  host: greeter
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
`;
}

/** A running greeter lab: two backends, a watched YAML directory, minipilot serving it, and an xDS client. */
export interface GreeterLab {
  readonly dir: string;
  readonly server: DiscoveryServer;
  readonly client: ReturnType<typeof createXdsGreeterClient>;
  /** Writes (or replaces) `file` in the watched directory. */
  write(file: string, yaml: string): void;
  /** Deletes `file` from the watched directory. */
  remove(file: string): void;
  stop(): Promise<void>;
}

/**
 * Starts the greeter lab on 127.0.0.1: backends v1 and v2, a temporary directory holding
 * {@link greeterLabRegistry} and `files`, minipilot watching it (50 ms debounce), and a proxyless client
 * as `nodeId`. `options` adds discovery server options (event hooks, fault injection).
 */
export async function startGreeterLab(nodeId: string, files: Readonly<Record<string, string>>, options: Partial<DiscoveryOptions> = {}): Promise<GreeterLab> {
  const backends = [await startGreeterBackend('v1'), await startGreeterBackend('v2')];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minipilot-e2e-'));
  const write = (file: string, yaml: string): void => fs.writeFileSync(path.join(dir, file), yaml);
  write('registry.yaml', greeterLabRegistry(backends[0]!.port, backends[1]!.port));
  for (const [file, yaml] of Object.entries(files)) write(file, yaml);
  const server = await startDiscoveryServer({
    source: createFileSource({ dir, debounceMs: 50, maxDelayMs: 1000 }), sourceName: dir, grpcAddr: '127.0.0.1:0', monitoringAddr: '127.0.0.1:0',
    logger: createLogger('warn'), ...options,
  });
  const client = createXdsGreeterClient(server.xdsPort, nodeId);
  return {
    dir, server, client, write,
    remove: (file) => fs.rmSync(path.join(dir, file)),
    async stop() {
      client.close();
      await server.stop();
      await Promise.all(backends.map((b) => b.stop()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
