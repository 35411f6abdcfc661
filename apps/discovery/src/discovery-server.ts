import * as fs from 'node:fs';
import type * as grpc from '@grpc/grpc-js';
import { parseMeshConfig, DEFAULT_MESH_CONFIG, formatProblem, type MeshConfig } from '@minipilot/config';
import type { ConfigSource, ConfigSourceUpdate } from '@minipilot/config-sources';
import { buildPushContext, type PushContext, type Proxy, type EnvoyResources } from '@minipilot/translation';
import { createXdsServer, listenXds, truncate, type AdmissionOptions, type GrpcServerLimits, type XdsLimits, type XdsServer, type XdsEvent } from '@minipilot/xds-server';
import { createProxySnapshots, type ProxySnapshots } from './proxy-snapshots.js';
import { createDiscoveryMetrics } from './metrics.js';
import { startMonitoringServer, type HttpListener } from './http/monitoring-server.js';
import { debugRoutes, type DebugState } from './http/debug-routes.js';
import { notLoadedYet } from './http/http-error.js';
import { splitRoutes } from './http/routes-split.js';
import { shutdown, type ShutdownReport } from './shutdown.js';
import type { AppLogger } from './logger.js';
import type { Handler } from './http/request-handler.js';

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
  /** A separate listener for `/debug/*` (and the web page); default: they are served on `monitoringAddr`. */
  readonly debugAddr?: string;
  /** When set, `/debug/*` and `/` need `Authorization: Bearer <token>`, wherever they are served. */
  readonly debugToken?: string;
  /** How long {@link DiscoveryServer.stop} lets clients go on their own before closing what is left; default 10 s. */
  readonly drainDurationMs?: number;
  /** gRPC transport limits (max receive size, keepalive, connection age). */
  readonly grpcLimits?: GrpcServerLimits;
  /** What one xDS client may make the server hold (node id, metadata, names, type URLs, NACK text). */
  readonly xdsLimits?: Partial<XdsLimits>;
  /** Admission of new xDS streams (per-connection cap, rate). */
  readonly admission?: Partial<AdmissionOptions>;
  readonly meshConfigFile?: string;
  readonly logger: AppLogger;
  /** Called once the HTTP listeners are up, before the config source loads (/ready answers 503 meanwhile). */
  readonly onHttpListening?: (ports: { readonly monitoring: number; readonly debug?: number }) => void;
  /** Observes every xDS event (tests use it to see ACKs and NACKs). */
  readonly onXdsEvent?: (e: XdsEvent) => void;
  /**
   * Fault injection for tests: rewrites the generated resources of a proxy before they are encoded
   * (e.g. to send a resource a client must reject). Never set in production.
   */
  readonly faultInjection?: (proxy: Proxy, resources: EnvoyResources) => EnvoyResources;
}

export type { ShutdownReport } from './shutdown.js';

/** A running discovery server. */
export interface DiscoveryServer {
  readonly xdsPort: number;
  readonly monitoringPort: number;
  /** The port of the `debugAddr` listener, when there is one. */
  readonly debugPort?: number;
  readonly xds: XdsServer;
  /** The push context currently served. */
  push(): PushContext;
  /**
   * Shuts down: /ready turns 503, the source stops, xDS streams are ended (UNAVAILABLE, so clients
   * reconnect elsewhere) and the listeners stop accepting; whatever is still open after the drain
   * duration is closed by force and counted in the report.
   */
  shutdown(): Promise<ShutdownReport>;
  /** {@link DiscoveryServer.shutdown} without the report. */
  stop(): Promise<void>;
}

/**
 * Starts the monitoring listener (and the debug one) before the config source loads, so /ready
 * answers 503 and the debug endpoints answer while a slow source (an unreachable API server) loads.
 */
async function startHttp(o: DiscoveryOptions, routes: ReadonlyMap<string, Handler>): Promise<HttpListener[]> {
  const logger = o.logger.child({ scope: 'http' });
  const options = { logger, ...(o.debugToken ? { token: o.debugToken } : {}) };
  if (!o.debugAddr) return [await startMonitoringServer(o.monitoringAddr, routes, options)];
  const split = splitRoutes(routes);
  const monitoring = await startMonitoringServer(o.monitoringAddr, split.monitoring, options);
  try {
    return [monitoring, await startMonitoringServer(o.debugAddr, split.debug, options)];
  } catch (err) {
    monitoring.forceClose();
    throw err;
  }
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

  const build = (update: ConfigSourceUpdate): PushContext => {
    const start = performance.now();
    const p = buildPushContext(update.snapshot, mesh);
    const seconds = (performance.now() - start) / 1000;
    const invalid = update.problems.filter((x) => x.severity === 'error').length;
    metrics.observePushContext(seconds, p.services.length, p.virtualServices.length, invalid);
    log.info({ scope: 'push', services: p.services.length, virtualServices: p.virtualServices.length, objects: update.snapshot.objects.size, invalid, ms: Math.round(seconds * 1000) }, 'push context built');
    return p;
  };

  let xdsRef: XdsServer | undefined;
  const loadedOr = <T>(v: T | undefined): T => {
    if (v === undefined) throw notLoadedYet();
    return v;
  };
  const state: DebugState = {
    isReady: () => ready,
    ...(o.readinessDetail ? { readinessDetail: o.readinessDetail } : {}),
    get xds() { return loadedOr(xdsRef); },
    get snapshots() { return loadedOr(snapshots); },
    // The source's own latest state: a problem that appears or is fixed shows at once, even without a push.
    current: () => loadedOr(current && (source.current() ?? current)),
    push: () => loadedOr(snapshots && push),
    mesh,
    metrics: metrics.registry,
  };
  const listeners = await startHttp(o, debugRoutes(state));
  const [monitoring, debug] = listeners as [HttpListener, HttpListener | undefined];
  log.info({ monitoring: monitoring.port, ...(debug ? { debug: debug.port } : {}), source: o.sourceName }, 'monitoring listening; loading config');
  o.onHttpListening?.({ monitoring: monitoring.port, ...(debug ? { debug: debug.port } : {}) });
  let grpcServer: grpc.Server | undefined;
  try {
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
        for (const w of warnings) log.warn({ scope: 'translation', proxy: proxy.id }, w);
      },
      ...(o.faultInjection ? { transform: o.faultInjection } : {}),
    });
    source.onUpdate((update) => {
      current = update;
      metrics.inboundUpdate('config');
      push = build(update);
      snapshots!.setPush(push).catch((err: unknown) => log.error({ scope: 'push', err }, 'regenerating proxy config failed'));
    });

    const xdsLog = log.child({ scope: 'ads' });
    const xds = createXdsServer({
      source: snapshots,
      isReady: () => ready,
      logger: xdsLog,
      ...(o.xdsLimits ? { limits: o.xdsLimits } : {}),
      ...(o.admission ? { admission: o.admission } : {}),
      onEvent: (e) => {
        metrics.onXdsEvent(e);
        if (e.kind === 'connect') xdsLog.info({ node: e.nodeId, stream: e.streamId, delta: e.delta }, 'ADS stream opened');
        else if (e.kind === 'disconnect') xdsLog.info({ node: truncate(e.nodeId, 256), stream: e.streamId, delta: e.delta }, 'ADS stream closed');
        o.onXdsEvent?.(e);
      },
    });
    xdsRef = xds;
    const bound = await listenXds(xds, o.grpcAddr, o.grpcLimits);
    grpcServer = bound.grpcServer;
    ready = true;
    log.info({ xds: bound.port, monitoring: monitoring.port, ...(debug ? { debug: debug.port } : {}), source: o.sourceName }, 'minipilot discovery ready');
    const drainMs = o.drainDurationMs ?? 10_000;
    let stopping: Promise<ShutdownReport> | undefined;
    const drainAndStop = (): Promise<ShutdownReport> =>
      (stopping ??= shutdown({ source, xds, grpcServer: bound.grpcServer, listeners, drainMs, log, setNotReady: () => { ready = false; } }));
    return {
      xdsPort: bound.port,
      monitoringPort: monitoring.port,
      ...(debug ? { debugPort: debug.port } : {}),
      xds,
      push: () => push,
      shutdown: drainAndStop,
      stop: () => drainAndStop().then(() => undefined),
    };
  } catch (err) {
    await source.stop();
    grpcServer?.forceShutdown();
    for (const l of listeners) l.forceClose();
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
