import * as fs from 'node:fs';
import type * as grpc from '@grpc/grpc-js';
import { parseMeshConfig, DEFAULT_MESH_CONFIG, formatProblem, type MeshConfig } from '@minipilot/config';
import type { ConfigSource, ConfigSourceUpdate } from '@minipilot/config-sources';
import { buildPushContext, type PushContext, type Proxy, type EnvoyResources } from '@minipilot/translation';
import { createGrpcTransport, createXdsServer, listenXds, truncate, type AdmissionOptions, type GrpcServerLimits, type XdsLimits, type XdsServer, type XdsEvent } from '@minipilot/xds-server';
import { createPushPipeline, type PushPipeline } from '@minipilot/push';
import { createDiscoveryMetrics, pushTriggerFor } from './metrics.js';
import { createPushMetrics } from './push-metrics.js';
import { answerDebugRequest, DEBUG_TYPE_URLS, isDebugNode } from './debug-xds/debug-requests.js';
import { versionInfo } from './version.js';
import { createLoadShedder, DEFAULT_LOAD_LIMITS, type LoadLimits } from './load-shedding.js';
import { createOnceSet } from './once-set.js';
import { createPushHistory } from './http/push-history.js';
import { watchMeshFile, type MeshFileWatch } from './mesh-watch.js';
import { startIstiodSecurity, type IstiodSecurity, type IstiodSecurityOptions } from './secure/istiod-security.js';
import { startIstiodWebhooks, type IstiodWebhooks } from './secure/istiod-webhooks.js';
import { createSecurityMetrics } from './secure/security-metrics.js';
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
  /** How often the mesh config file is checked for edits (default 1 s). */
  readonly meshWatchIntervalMs?: number;
  readonly logger: AppLogger;
  /**
   * istiod's secure side: the CA and the TLS gRPC server (xDS + CreateCertificate, istiod's 15012).
   * Absent: plaintext xDS only. The trust domain comes from the mesh config.
   */
  readonly security?: Pick<IstiodSecurityOptions, 'mode' | 'secureGrpcAddr'> & {
    /** istiod --httpsAddr for the /inject and /validate webhooks (e.g. `0.0.0.0:15017`); absent: no webhooks. */
    readonly httpsAddr?: string;
  };
  /** Push throttle, write backpressure and load-shedding limits (defaults: {@link DEFAULT_PUSH_LIMITS}). */
  readonly limits?: Partial<PushLimits>;
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

/** The limits that keep pushes bounded and the server alive under load. */
export interface PushLimits extends LoadLimits {
  /** Streams handed a new snapshot per event-loop turn (istiod's PILOT_PUSH_THROTTLE). */
  readonly pushThrottle: number;
  /** A stream whose responses are not read for this long is closed. */
  readonly stuckStreamTimeoutMs: number;
  /** Bytes of responses buffered for writing, over all streams, before streams wait. */
  readonly maxPendingBytes: number;
  /** The same, per stream. */
  readonly maxStreamPendingBytes: number;
}

/** Defaults of {@link PushLimits}: 25 streams per turn (istiod on 2 cores), 120 s, 16 MiB, 2 MiB, and {@link DEFAULT_LOAD_LIMITS}. */
export const DEFAULT_PUSH_LIMITS: PushLimits = { ...DEFAULT_LOAD_LIMITS, pushThrottle: 25, stuckStreamTimeoutMs: 120_000, maxPendingBytes: 16 * 2 ** 20, maxStreamPendingBytes: 2 * 2 ** 20 };

/** A running discovery server. */
export interface DiscoveryServer {
  readonly xdsPort: number;
  readonly monitoringPort: number;
  /** The port of the `debugAddr` listener, when there is one. */
  readonly debugPort?: number;
  /** The secure gRPC port (xDS + CA) when `security` is set. */
  readonly securePort?: number;
  /** The webhook port when `security.httpsAddr` is set. */
  readonly httpsPort?: number;
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
 * change) → the push pipeline (shared, cached parts) → ADS on `grpcAddr`; health, metrics and debug on `monitoringAddr`.
 * Streams are refused until the first config load completes.
 */
export async function startDiscoveryServer(o: DiscoveryOptions): Promise<DiscoveryServer> {
  const log = o.logger;
  // The mesh config in force: replaced when the --mesh file changes (see watchMeshFile).
  let mesh = loadMesh(o.meshConfigFile, log);
  let meshWatch: MeshFileWatch | undefined;
  const metrics = createDiscoveryMetrics();
  const limits: PushLimits = { ...DEFAULT_PUSH_LIMITS, ...o.limits };
  const source = o.source;
  let ready = false;
  let current: ConfigSourceUpdate | undefined;
  let snapshots: PushPipeline | undefined;
  let push: PushContext;
  let security: IstiodSecurity | undefined;
  let webhooks: IstiodWebhooks | undefined;
  const warned = createOnceSet(10_000);
  const history = createPushHistory();

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
  const pushMetrics = createPushMetrics(metrics.registry, () => snapshots, () => xdsRef);
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
    get mesh() { return mesh; },
    metrics: metrics.registry,
    logger: log,
    history,
  };
  const routes = debugRoutes(state);
  routes.set('/debug/ca-root', () => {
    if (!security) throw notLoadedYet();
    return { status: 200, body: security.rootCertPem(), contentType: 'application/x-pem-file' };
  });
  const listeners = await startHttp(o, routes);
  const [monitoring, debug] = listeners as [HttpListener, HttpListener | undefined];
  log.info({ monitoring: monitoring.port, ...(debug ? { debug: debug.port } : {}), source: o.sourceName }, 'monitoring listening; loading config');
  o.onHttpListening?.({ monitoring: monitoring.port, ...(debug ? { debug: debug.port } : {}) });
  let grpcServer: grpc.Server | undefined;
  try {
    current = await source.start();
    push = build(current);
    snapshots = createPushPipeline(push, {
      pushThrottle: limits.pushThrottle,
      onGenerated: (part, kinds, ms) => log.debug({ scope: 'push', part: part.part, key: part.key, kinds, ms: Math.round(ms) }, 'generated config'),
      onPushed: (s) => log.info({ scope: 'push', parts: s.parts, regenerated: s.regenerated, proxies: s.proxies, ms: Math.round(s.ms) }, `pushed to ${s.proxies} prox${s.proxies === 1 ? 'y' : 'ies'}`),
      onProxyPushed: (queueSeconds, seconds) => {
        metrics.observeQueueTime(queueSeconds);
        metrics.observeConvergence(seconds);
      },
      onWithheld: (proxy, a) => {
        metrics.withheld(a.violations.length);
        for (const v of a.violations) log.error({ scope: 'ads', proxy: proxy.id, type: v.typeUrl, resource: v.resourceName, field: v.field, rule: v.rule }, `withheld a resource Envoy would reject: ${v.message}`);
        if (a.keptLastGood.length > 0) log.warn({ scope: 'ads', proxy: proxy.id, resources: a.keptLastGood }, 'serving the last good version instead');
      },
      onWarnings: (proxy, warnings) => {
        // Once per distinct warning (it names its resource), not once per proxy part that hits it.
        for (const w of warnings) if (warned.add(w)) log.warn({ scope: 'translation', proxy: proxy.id }, w);
      },
      ...(o.faultInjection ? { transform: o.faultInjection } : {}),
    });
    source.onUpdate((update) => {
      const previous = current;
      current = update;
      metrics.recordConfigChanges(previous?.snapshot, update.snapshot, update.changedKeys);
      metrics.pushTrigger(pushTriggerFor(update.changedKeys));
      const built = performance.now();
      push = build(update);
      // istiod's pilot_debounce_time: first event to release, push context build included.
      if (update.debounceMs !== undefined) metrics.observeDebounce(update.debounceMs / 1000 + (performance.now() - built) / 1000);
      snapshots!.setPush(push, update.changedKeys).catch((err: unknown) => log.error({ scope: 'push', err }, 'regenerating proxy config failed'));
    });
    if (o.meshConfigFile) {
      meshWatch = watchMeshFile({
        file: o.meshConfigFile,
        initial: mesh,
        logger: log,
        ...(o.meshWatchIntervalMs !== undefined ? { intervalMs: o.meshWatchIntervalMs } : {}),
        onChange: (next, changed) => {
          mesh = next;
          if (changed.includes('trustDomain')) log.warn({ scope: 'mesh' }, 'trustDomain changed: generated config follows it now; certificates already issued keep the old identity until they renew');
          // istiod pushes everything on a mesh config change (a "global" push): every cache key carries the mesh revision.
          metrics.pushTrigger('global');
          push = build(current!);
          snapshots!.setPush(push).catch((err: unknown) => log.error({ scope: 'push', err }, 'regenerating proxy config failed'));
        },
      });
    }

    const xdsLog = log.child({ scope: 'ads' });
    const xds = createXdsServer({
      source: snapshots,
      isReady: () => ready,
      logger: xdsLog,
      ...(o.xdsLimits ? { limits: o.xdsLimits } : {}),
      ...(o.admission ? { admission: o.admission } : {}),
      admit: createLoadShedder(limits, () => xdsRef?.streamCount() ?? 0),
      maxPendingBytes: limits.maxPendingBytes,
      maxStreamPendingBytes: limits.maxStreamPendingBytes,
      stuckStreamTimeoutMs: limits.stuckStreamTimeoutMs,
      debug: {
        typeUrls: new Set(DEBUG_TYPE_URLS),
        isDebugNode,
        answer: (req) => answerDebugRequest(req, { xds: xdsRef!, snapshots: snapshots!, push: () => push }, versionInfo().version),
      },
      onEvent: (e) => {
        metrics.onXdsEvent(e);
        pushMetrics.onXdsEvent(e);
        history.record(e);
        if (e.kind === 'connect') xdsLog.info({ node: truncate(e.nodeId, 256), stream: e.streamId, delta: e.delta }, 'ADS stream opened');
        else if (e.kind === 'disconnect') xdsLog.info({ node: truncate(e.nodeId, 256), stream: e.streamId, delta: e.delta }, 'ADS stream closed');
        else if (e.kind === 'refused') xdsLog.warn({ reason: e.reason, delta: e.delta }, 'refused a new ADS stream: shedding load');
        o.onXdsEvent?.(e);
      },
    });
    xdsRef = xds;
    // One set of transport limits for 15010 and 15012, each hit logged and counted.
    const grpcLimits: GrpcServerLimits = {
      ...o.grpcLimits,
      onLimit: (limit, peer) => {
        metrics.transportLimitHit(limit);
        xdsLog.warn({ limit, peer }, 'a gRPC connection ran into a transport limit');
      },
    };
    const bound = await listenXds(xds, o.grpcAddr, grpcLimits);
    grpcServer = bound.grpcServer;
    // istiod's secure side (CA + xDS over TLS on 15012, webhooks on 15017); see ./secure.
    const securityMetrics = o.security ? createSecurityMetrics(metrics.registry) : undefined;
    if (o.security) security = await startIstiodSecurity({ ...o.security, trustDomain: mesh.trustDomain, xds, logger: log, metrics: securityMetrics!, transport: createGrpcTransport(grpcLimits) });
    if (security && o.security?.httpsAddr) webhooks = await startIstiodWebhooks({ httpsAddr: o.security.httpsAddr, security, mode: o.security.mode, mesh: () => mesh, isReady: () => ready, logger: log, metrics: securityMetrics! });
    ready = true;
    webhooks?.markReady().catch((err: unknown) => log.error({ scope: 'webhook', err }, 'patching the webhook configurations failed'));
    log.info({ xds: bound.port, ...(security ? { secureXds: security.securePort } : {}), ...(webhooks ? { webhooks: webhooks.httpsPort } : {}), monitoring: monitoring.port, ...(debug ? { debug: debug.port } : {}), source: o.sourceName }, 'minipilot discovery ready');
    const drainMs = o.drainDurationMs ?? 10_000;
    let stopping: Promise<ShutdownReport> | undefined;
    const drainAndStop = (): Promise<ShutdownReport> =>
      (stopping ??= (async () => {
        meshWatch?.stop();
        const report = await shutdown({ source, xds, grpcServer: bound.grpcServer, listeners, drainMs, log, setNotReady: () => { ready = false; } });
        await webhooks?.stop();
        await security?.stop();
        return report;
      })());
    return {
      xdsPort: bound.port,
      monitoringPort: monitoring.port,
      ...(debug ? { debugPort: debug.port } : {}),
      ...(security ? { securePort: security.securePort } : {}),
      ...(webhooks ? { httpsPort: webhooks.httpsPort } : {}),
      xds,
      push: () => push,
      shutdown: drainAndStop,
      stop: () => drainAndStop().then(() => undefined),
    };
  } catch (err) {
    meshWatch?.stop();
    await source.stop();
    await webhooks?.stop();
    await security?.stop();
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
