import * as http from 'node:http';
import type { ConfigSource } from '@minipilot/config-sources';
import type { XdsEvent } from '@minipilot/xds-server';
import { startDiscoveryServer, type DiscoveryServer } from '@minipilot/discovery/dist/discovery-server.js';
import { createCountingLogger, type CountingLogger } from './counting-logger.js';

/** The real discovery server on loopback, with the counters the bench reads. */
export interface BenchServer {
  readonly server: DiscoveryServer;
  readonly address: string;
  readonly log: CountingLogger;
  /** Number of views (groups of proxies sharing one snapshot), from `/debug/adsz`. */
  views(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts `startDiscoveryServer` on 127.0.0.1 (ports 0) over `source`; `onXdsEvent` sees every ADS event. */
export async function startBenchServer(source: ConfigSource, onXdsEvent?: (e: XdsEvent) => void): Promise<BenchServer> {
  const log = createCountingLogger();
  const server = await startDiscoveryServer({
    source,
    sourceName: 'bench',
    grpcAddr: '127.0.0.1:0',
    monitoringAddr: '127.0.0.1:0',
    logger: log.logger,
    ...(onXdsEvent ? { onXdsEvent } : {}),
  });
  return {
    server,
    address: `127.0.0.1:${server.xdsPort}`,
    log,
    views: async () => ((await getJson(server.monitoringPort, '/debug/adsz')) as { views: number }).views,
    stop: () => server.stop(),
  };
}

/** GETs `path` from 127.0.0.1:`port` and parses the JSON body (5 s timeout). */
function getJson(port: number, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch (err) {
          reject(new Error(`GET ${path}: ${res.statusCode} ${body.slice(0, 200)} (${String(err)})`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: timed out`)));
    req.on('error', reject);
  });
}
