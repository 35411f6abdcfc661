import * as fs from 'node:fs';
import type * as grpc from '@grpc/grpc-js';
import type * as http from 'node:http';
import { parseMeshConfig, DEFAULT_MESH_CONFIG, formatProblem, type MeshConfig } from '@minipilot/config';
import type { ConfigSource, ConfigSourceUpdate } from '@minipilot/config-sources';
import { buildPushContext, type PushContext, type Proxy, type EnvoyResources } from '@minipilot/translation';
import { createXdsServer, listenXds, type XdsServer, type XdsEvent } from '@minipilot/xds-server';
import { createPushPipeline, type PushPipeline } from '@minipilot/push';
import { createDiscoveryMetrics, pushTriggerFor } from './metrics.js';
import { createPushMetrics } from './push-metrics.js';
import { answerDebugRequest, DEBUG_TYPE_URLS, isDebugNode } from './debug-xds/debug-requests.js';
import { versionInfo } from './version.js';
import { createLoadShedder, DEFAULT_LOAD_LIMITS, type LoadLimits } from './load-shedding.js';
import { startMonitoringServer } from './http/monitoring-server.js';
import { debugRoutes } from './http/debug-routes.js';
import type { AppLogger } from './logger.js';
import { createOnceSet } from './once-set.js';
import { createPushHistory } from './http/push-history.js';
import { startIstiodSecurity, type IstiodSecurity, type IstiodSecurityOptions } from './secure/istiod-security.js';
import { startIstiodWebhooks, type IstiodWebhooks } from './secure/istiod-webhooks.js';
import { createSecurityMetrics } from './secure/security-metrics.js';

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
  /**
   * istiod's secure side: the CA and the TLS gRPC server (xDS + CreateCertificate, istiod's 15012).
   * Absent: plaintext xDS only. The trust domain comes from the mesh config.
   */
  readonly security?: Pick<IstiodSecurityOptions, 'mode' | 'secureGrpcAddr'> & {
    /** istiod --httpsAddr for the /inject and /validate webhooks (e.g. `0.0.0.0:15017`); absent: no webhooks. */
    readonly httpsAddr?: string;
  };
  /** Observes every xDS event (tests use it to see ACKs and NACKs). */
  readonly onXdsEvent?: (e: XdsEvent) => void;
  /**
   * Fault injection for tests: rewrites the generated resources of a proxy before they are encoded
   * (e.g. to send a resource a client must reject). Never set in production.
   */
  readonly faultInjection?: (proxy: Proxy, resources: EnvoyResources) => EnvoyResources;
  /** Push throttle, write backpressure and load-shedding limits (defaults: {@link DEFAULT_PUSH_LIMITS}). */
  readonly limits?: Partial<PushLimits>;
}

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
  /** The secure gRPC port (xDS + CA) when `security` is set. */
  readonly securePort?: number;
  /** The webhook port when `security.httpsAddr` is set. */
  readonly httpsPort?: number;
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
  const limits: PushLimits = { ...DEFAULT_PUSH_LIMITS, ...o.limits };
  let xdsRef: XdsServer | undefined;
  const pushMetrics = createPushMetrics(metrics.registry, () => snapshots, () => xdsRef);
  const source = o.source;
  let ready = false;
  let current: ConfigSourceUpdate | undefined;
  let snapshots: PushPipeline | undefined;
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
    snapshots!.setPush(push, update.changedKeys).catch((err: unknown) => log.error({ scope: 'push', err }, 'regenerating proxy config failed'));
  });

  const history = createPushHistory();
  const xdsLog = log.child({ scope: 'ads' });
  const xds = createXdsServer({
    source: snapshots,
    isReady: () => ready,
    logger: xdsLog,
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
      if (e.kind === 'refused') xdsLog.warn({ reason: e.reason, delta: e.delta }, 'refused a new ADS stream: shedding load');
      o.onXdsEvent?.(e);
    },
  });
  xdsRef = xds;
  let grpcServer: grpc.Server | undefined;
  let monitoring: http.Server | undefined;
  let security: IstiodSecurity | undefined;
  let webhooks: IstiodWebhooks | undefined;
  try {
    const bound = await listenXds(xds, o.grpcAddr);
    grpcServer = bound.grpcServer;
    // istiod's secure side (CA + xDS over TLS on 15012); see ./secure.
    const securityMetrics = o.security ? createSecurityMetrics(metrics.registry) : undefined;
    if (o.security) security = await startIstiodSecurity({ ...o.security, trustDomain: mesh.trustDomain, xds, logger: log, metrics: securityMetrics! });
    if (security && o.security?.httpsAddr) webhooks = await startIstiodWebhooks({ httpsAddr: o.security.httpsAddr, security, mode: o.security.mode, mesh, isReady: () => ready, logger: log, metrics: securityMetrics! });
    const routes = debugRoutes({ isReady: () => ready, ...(o.readinessDetail ? { readinessDetail: o.readinessDetail } : {}), xds, snapshots, current: () => source.current() ?? current!, push: () => push, mesh, metrics: metrics.registry, logger: log, history });
    if (security) routes.set('/debug/ca-root', () => ({ status: 200, body: security!.rootCertPem(), contentType: 'application/x-pem-file' }));
    const mon = await startMonitoringServer(o.monitoringAddr, routes);
    monitoring = mon.server;
    ready = true;
    webhooks?.markReady().catch((err: unknown) => log.error({ scope: 'webhook', err }, 'patching the webhook configurations failed'));
    log.info({ xds: bound.port, ...(security ? { secureXds: security.securePort } : {}), ...(webhooks ? { webhooks: webhooks.httpsPort } : {}), monitoring: mon.port, source: o.sourceName }, 'minipilot discovery ready');
    return {
      xdsPort: bound.port,
      monitoringPort: mon.port,
      ...(security ? { securePort: security.securePort } : {}),
      ...(webhooks ? { httpsPort: webhooks.httpsPort } : {}),
      xds,
      push: () => push,
      async stop() {
        ready = false;
        await source.stop();
        xds.closeAll();
        await webhooks?.stop();
        await security?.stop();
        await new Promise<void>((resolve) => grpcServer!.tryShutdown(() => resolve()));
        await new Promise<void>((resolve) => monitoring!.close(() => resolve()));
      },
    };
  } catch (err) {
    await source.stop();
    await webhooks?.stop();
    await security?.stop();
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
