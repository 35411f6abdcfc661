#!/usr/bin/env node
import * as fs from 'node:fs';
import { createDiscoveryCommand, type CliOptions } from './options.js';
import { startDiscoveryServer } from './discovery-server.js';
import { createLogger, routeGrpcLogs } from './logger.js';
import { createFileSource, createKubeSource, loadKubeConfig, type ConfigSource, type KubeSourceStatus } from '@minipilot/config-sources';
import type { CaMode } from './secure/istiod-security.js';
import type { AppLogger } from './logger.js';

/** Binds `:PORT` on all IPv4 addresses, as istiod's `:15010` does. */
function bindAddress(addr: string): string {
  return addr.startsWith(':') ? `0.0.0.0${addr}` : addr;
}

/** The /ready line of the Kubernetes source: synced and connected, or serving the last config. */
export function describeKubeStatus(s: KubeSourceStatus): string {
  const api = s.istioApi ?? 'networking.istio.io not served';
  if (s.connected) return `kubernetes ${s.server}: connected, watching (${api})`;
  const since = s.disconnectedSince ? ` since ${s.disconnectedSince}` : '';
  const why = s.lastError ? ` (${s.lastError})` : '';
  return s.synced
    ? `kubernetes ${s.server}: API server unreachable${since}${why}; serving the last config, retrying`
    : `kubernetes ${s.server}: initial list not complete${why}`;
}

interface SelectedSource {
  readonly source: ConfigSource;
  readonly name: string;
  readonly readinessDetail?: () => string | undefined;
}

function createSource(o: CliOptions, logger: AppLogger): SelectedSource {
  const debounce = { debounceMs: o.debounceAfterMs, maxDelayMs: o.debounceMaxMs, logger: logger.child({ scope: 'config' }) };
  if (o.source.type === 'kubernetes') {
    const source = createKubeSource({ kubeConfig: o.source.kubeconfig, ...(o.source.watchNamespace ? { watchNamespace: o.source.watchNamespace } : {}), ...debounce });
    return { source, name: `kubernetes ${source.status().server}`, readinessDetail: () => describeKubeStatus(source.status()) };
  }
  const dir = o.source.dir;
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`--config-dir ${dir}: not a directory`);
  return { source: createFileSource({ dir, ...debounce }), name: o.source.embedded ? `${dir} (embedded lab)` : dir };
}

/** The CA follows the config source: a cluster's Secrets and TokenReview, or the CA directory. */
function caMode(o: CliOptions): CaMode {
  if (o.source.type === 'kubernetes') return { type: 'kubernetes', kubeConfig: loadKubeConfig(o.source.kubeconfig), namespace: o.istiodNamespace };
  return { type: 'file', caDir: o.caDir, namespace: o.istiodNamespace, ...(o.labTokenFile ? { labTokenFile: o.labTokenFile } : {}) };
}

async function run(o: CliOptions): Promise<void> {
  const logger = createLogger(o.logLevel, { format: o.logFormat });
  routeGrpcLogs(logger);
  const { source, name, readinessDetail } = createSource(o, logger);
  const server = await startDiscoveryServer({
    source,
    sourceName: name,
    ...(readinessDetail ? { readinessDetail } : {}),
    grpcAddr: bindAddress(o.grpcAddr),
    monitoringAddr: bindAddress(o.monitoringAddr),
    ...(o.secureGrpcAddr ? { security: { mode: caMode(o), secureGrpcAddr: bindAddress(o.secureGrpcAddr), ...(o.httpsAddr ? { httpsAddr: bindAddress(o.httpsAddr) } : {}) } } : {}),
    ...(o.debugAddr ? { debugAddr: bindAddress(o.debugAddr) } : {}),
    ...(o.debugToken ? { debugToken: o.debugToken } : {}),
    drainDurationMs: o.drainDurationMs,
    grpcLimits: {
      maxReceiveMessageBytes: o.grpc.maxRecvMsgSize,
      maxConcurrentStreams: o.grpc.maxStreamsPerConnection,
      keepaliveMinTimeMs: o.grpc.keepaliveMinTimeMs,
      keepaliveTimeMs: o.grpc.keepaliveIntervalMs,
      keepaliveTimeoutMs: o.grpc.keepaliveTimeoutMs,
      maxConnectionAgeMs: o.grpc.maxConnectionAgeMs,
    },
    admission: { maxStreamsPerConnection: o.grpc.maxStreamsPerConnection, maxNewStreamsPerSecond: o.grpc.maxRequestsPerSecond },
    ...(o.mesh ? { meshConfigFile: o.mesh } : {}),
    logger,
    limits: o.limits,
  });
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, drainMs: o.drainDurationMs }, 'shutting down: draining clients');
    // A last resort if closing by force itself hangs: the drain plus 5 s.
    setTimeout(() => {
      logger.error({ signal }, 'shutdown did not complete in time; exiting');
      logger.flush();
      process.exit(1);
    }, o.drainDurationMs + 5_000).unref();
    server.shutdown().then(
      (report) => {
        logger.info({ ...report }, 'stopped');
        logger.flush();
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        logger.flush();
        process.exit(1);
      },
    );
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
