import * as fs from 'node:fs';
import type * as grpc from '@grpc/grpc-js';
import type * as http from 'node:http';
import { parseMeshConfig, DEFAULT_MESH_CONFIG, formatProblem, type MeshConfig } from '@minipilot/config';
import type { ConfigSource, ConfigSourceUpdate } from '@minipilot/config-sources';
import { buildPushContext, type PushContext, type Proxy, type EnvoyResources } from '@minipilot/translation';
import { createXdsServer, listenXds, type XdsServer, type XdsEvent } from '@minipilot/xds-server';
import { createProxySnapshots, type ProxySnapshots } from './proxy-snapshots.js';
import { createDiscoveryMetrics, pushTriggerFor } from './metrics.js';
import { startMonitoringServer } from './http/monitoring-server.js';
import { debugRoutes } from './http/debug-routes.js';
import type { AppLogger } from './logger.js';
import { createOnceSet } from './once-set.js';
import { createPushHistory } from './http/push-history.js';

/** Settings of the discovery server (flags and env vars map onto these). */
export interface DiscoveryOptions {
  /** Where config comes from (a watched directory, Kubernetes, or fixed config in tests). */
  readonly source: ConfigSource;
  /** Shown in logs and /debug/configz, e.g. the directory or `kubernetes`. */
  readonly sourceName: string;
  /** A line about the source for the /ready body (e.g. the Kubernetes connection state); none by default. */
  readonly readinessDetail?: () => string | undefined;
  readonly grpcAddr: string;
  readonly monitoringAddr: string;
  readonly meshConfigFile?: string;
  readonly logger: AppLogger;
  /** Observes every xDS event (tests use it to see ACKs and NACKs). */
  readonly onXdsEvent?: (e: XdsEvent) => void;
  /**
   * Fault injection for tests: rewrites the generated resources of a proxy before they are encoded
   * (e.g. to send a resource a client must reject). Never set in production.
   */
  readonly faultInjection?: (proxy: Proxy, resources: EnvoyResources) => EnvoyResources;
}

/** A running discovery server. */
export interface DiscoveryServer {
  readonly xdsPort: number;
  readonly monitoringPort: number;
  readonly xds: XdsServer;
  /** The push context currently served. */
  push(): PushContext;
  stop(): Promise<void>;
}

/**
 * Starts minipilot's discovery server: config source → push context (built once per debounced
 * change) → per-proxy-view snapshots → ADS on `grpcAddr`; health, metrics and debug on `monitoringAddr`.
 * Streams are refused until the first config load completes.
 */
export async function startDiscoveryServer(o: DiscoveryOptions): Promise<DiscoveryServer> {
  const log = o.logger;
  const mesh = loadMesh(o.meshConfigFile, log);
  const metrics = createDiscoveryMetrics();
  const source = o.source;
  let ready = false;
  let current: ConfigSourceUpdate | undefined;
  let snapshots: ProxySnapshots | undefined;
  let push: PushContext;

  const warned = createOnceSet(10_000);
  const build = (update: ConfigSourceUpdate): PushContext => {
    const start = performance.now();
    const p = buildPushContext(update.snapshot, mesh);
    const seconds = (performance.now() - start) / 1000;
    const invalid = update.problems.filter((x) => x.severity === 'error').length;
    metrics.observePushContext(seconds, p.services.length, p.virtualServices.length, invalid);
    log.info({ scope: 'push', services: p.services.length, virtualServices: p.virtualServices.length, objects: update.snapshot.objects.size, invalid, ms: Math.round(seconds * 1000) }, 'push context built');
    return p;
  };

  current = await source.start();
  push = build(current);
  snapshots = createProxySnapshots(push, {
    onGenerated: (proxy, ms) => log.debug({ scope: 'ads', proxy: proxy.id, ms: Math.round(ms) }, 'generated config'),
    onWithheld: (proxy, a) => {
      metrics.withheld(a.violations.length);
      for (const v of a.violations) log.error({ scope: 'ads', proxy: proxy.id, type: v.typeUrl, resource: v.resourceName, field: v.field, rule: v.rule }, `withheld a resource Envoy would reject: ${v.message}`);
      if (a.keptLastGood.length > 0) log.warn({ scope: 'ads', proxy: proxy.id, resources: a.keptLastGood }, 'serving the last good version instead');
    },
    onWarnings: (proxy, warnings) => {
      // Once per distinct warning (it names its resource), not once per proxy view that hits it.
      for (const w of warnings) if (warned.add(w)) log.warn({ scope: 'translation', proxy: proxy.id }, w);
    },
    ...(o.faultInjection ? { transform: o.faultInjection } : {}),
  });
  source.onUpdate((update) => {
    const previous = current;
    current = update;
    metrics.recordConfigChanges(previous?.snapshot, update.snapshot, update.changedKeys);
    metrics.pushTrigger(pushTriggerFor(update.changedKeys));
    push = build(update);
    const started = performance.now();
    snapshots!.setPush(push).then(() => {
      const seconds = (performance.now() - started) / 1000;
      const proxies = xds.connections().length;
      // Until libs/push observes each proxy, every proxy gets the time the whole push took (an upper bound).
      for (let i = 0; i < proxies; i++) metrics.observeConvergence(seconds);
      log.info({ scope: 'push', proxies, views: snapshots!.viewCount(), changed: update.changedKeys.size, ms: Math.round(seconds * 1000) }, `pushed to ${proxies} prox${proxies === 1 ? 'y' : 'ies'}`);
    }, (err: unknown) => log.error({ scope: 'push', err }, 'regenerating proxy config failed'));
  });

  const history = createPushHistory();
  const xdsLog = log.child({ scope: 'ads' });
  const xds = createXdsServer({
    source: snapshots,
    isReady: () => ready,
    logger: xdsLog,
    onEvent: (e) => {
      metrics.onXdsEvent(e);
      history.record(e);
      o.onXdsEvent?.(e);
    },
  });
  let grpcServer: grpc.Server | undefined;
  let monitoring: http.Server | undefined;
  try {
    const bound = await listenXds(xds, o.grpcAddr);
    grpcServer = bound.grpcServer;
    const routes = debugRoutes({ isReady: () => ready, ...(o.readinessDetail ? { readinessDetail: o.readinessDetail } : {}), xds, snapshots, current: () => source.current() ?? current!, push: () => push, mesh, metrics: metrics.registry, logger: log, history });
    const mon = await startMonitoringServer(o.monitoringAddr, routes);
    monitoring = mon.server;
    ready = true;
    log.info({ xds: bound.port, monitoring: mon.port, source: o.sourceName }, 'minipilot discovery ready');
    return {
      xdsPort: bound.port,
      monitoringPort: mon.port,
      xds,
      push: () => push,
      async stop() {
        ready = false;
        await source.stop();
        xds.closeAll();
        await new Promise<void>((resolve) => grpcServer!.tryShutdown(() => resolve()));
        await new Promise<void>((resolve) => monitoring!.close(() => resolve()));
      },
    };
  } catch (err) {
    await source.stop();
    grpcServer?.forceShutdown();
    monitoring?.close();
    throw err;
  }
}

function loadMesh(file: string | undefined, log: AppLogger): MeshConfig {
  if (!file) return DEFAULT_MESH_CONFIG;
  const r = parseMeshConfig(fs.readFileSync(file, 'utf8'), file);
  for (const p of r.problems) log.error({ scope: 'mesh' }, formatProblem(p));
  if (r.problems.some((p) => p.severity === 'error')) throw new Error(`mesh config ${file} is invalid (see the errors above)`);
  return r.mesh;
}
