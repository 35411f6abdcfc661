#!/usr/bin/env node
import * as fs from 'node:fs';
import { createDiscoveryCommand, type CliOptions } from './options.js';
import { startDiscoveryServer } from './discovery-server.js';
import { createLogger } from './logger.js';
import { createFileSource } from '@minipilot/config-sources';

/** Binds `:PORT` on all IPv4 addresses, as istiod's `:15010` does. */
function bindAddress(addr: string): string {
  return addr.startsWith(':') ? `0.0.0.0${addr}` : addr;
}

async function run(o: CliOptions): Promise<void> {
  const logger = createLogger(o.logLevel);
  if (!fs.existsSync(o.configDir) || !fs.statSync(o.configDir).isDirectory()) {
    throw new Error(`--config-dir ${o.configDir}: not a directory`);
  }
  const source = createFileSource({ dir: o.configDir, debounceMs: o.debounceAfterMs, maxDelayMs: o.debounceMaxMs, logger: logger.child({ scope: 'config' }) });
  const server = await startDiscoveryServer({
    source,
    sourceName: o.configDir,
    grpcAddr: bindAddress(o.grpcAddr),
    monitoringAddr: bindAddress(o.monitoringAddr),
    ...(o.mesh ? { meshConfigFile: o.mesh } : {}),
    logger,
  });
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    server.stop().then(() => process.exit(0), () => process.exit(1));
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

if (require.main === module) {
  createDiscoveryCommand(run).parseAsync(process.argv).catch((err: unknown) => {
    process.stderr.write(`minipilot-discovery: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
