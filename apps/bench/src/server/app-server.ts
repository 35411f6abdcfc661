import type { ConfigSource } from '@minipilot/config-sources';
import { startDiscoveryServer, type DiscoveryServer } from '@minipilot/discovery/dist/discovery-server.js';
import pino from 'pino';

/**
 * The whole discovery app in this process (xDS and the HTTP monitoring/debug endpoints) on
 * 127.0.0.1 ports 0, silent: for the hostile-client bounds, which measure what the app's debug
 * endpoints and stream bookkeeping hold. Everything else in the bench drives libs/push directly.
 */
export async function startAppServer(source: ConfigSource): Promise<{ readonly server: DiscoveryServer; readonly address: string; stop(): Promise<void> }> {
  const server = await startDiscoveryServer({ source, sourceName: 'bench', grpcAddr: '127.0.0.1:0', monitoringAddr: '127.0.0.1:0', logger: pino({ level: 'silent' }) });
  return { server, address: `127.0.0.1:${server.xdsPort}`, stop: () => server.stop() };
}
