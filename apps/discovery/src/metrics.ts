import { Registry, Counter, Gauge, Histogram, collectDefaultMetrics } from 'prom-client';
import { typeShortName, type TypeUrl } from '@minipilot/envoy-api';
import type { ConfigSnapshot } from '@minipilot/config';
import type { XdsEvent } from '@minipilot/xds-server';

/** istiod's `pilot_push_triggers{type}` values (pilot/pkg/model/push_context.go TriggerReason). */
export type PushTrigger = 'endpoint' | 'headlessendpoint' | 'config' | 'service' | 'proxy' | 'global' | 'debug' | 'secret' | 'networks' | 'proxyrequest' | 'namespace' | 'cluster' | 'unknown';

/** istiod's `pilot_inbound_updates{type}` values. */
export type InboundUpdate = 'config' | 'eds' | 'svc' | 'svcdelete';

/** An informer event, as `pilot_k8s_cfg_events{type,event}` / `pilot_k8s_reg_events{type,event}` count them. */
export type ConfigEvent = 'add' | 'update' | 'delete';

/** xDS short type names used as `type` labels: cds, eds, lds, rds (others: the type URL's short name or `other`). */
export type XdsShortType = string;

/**
 * The Prometheus metrics of `/metrics`, with istiod's names, types, labels and buckets (counters
 * without `_total`, as istiod exports them), so the "Istio Control Plane" Grafana dashboard works
 * unchanged; plus prom-client's `process_*` and `nodejs_*` defaults.
 *
 * Recording functions take seconds (not milliseconds), as the histograms are in seconds.
 */
export interface DiscoveryMetrics {
  readonly registry: Registry;
  /** Counts connections (`pilot_xds`), pushes and their sizes (`pilot_xds_pushes`, `pilot_xds_config_size_bytes`) and NACKs (`pilot_total_xds_rejects`). */
  onXdsEvent(e: XdsEvent): void;
  /** A connection ran into an HTTP/2 transport limit (message size, concurrent streams, ping rate): `minipilot_xds_limit_hits{limit}`. */
  transportLimitHit(limit: string): void;
  /** A push context was built: `pilot_pushcontext_init_seconds`, `pilot_services`, `pilot_virt_services`, `minipilot_invalid_configs`. */
  observePushContext(seconds: number, services: number, virtualServices: number, invalidConfigs: number): void;
  /** `pilot_inbound_updates{type}`: one update received from a config source. */
  inboundUpdate(type: InboundUpdate): void;
  /**
   * Counts what changed between two snapshots: `pilot_k8s_cfg_events{type=<Istio kind>,event}` for
   * Istio config, `pilot_k8s_reg_events{type=<kind>,event}` for the registry kinds, and
   * `pilot_inbound_updates` (config for Istio kinds, svc/svcdelete for Services and ServiceEntries,
   * eds for EndpointSlices, Endpoints and Pods).
   */
  recordConfigChanges(previous: ConfigSnapshot | undefined, next: ConfigSnapshot, changedKeys: ReadonlySet<string>): void;
  /** Generated resources the acceptance check withheld: `minipilot_withheld_resources`. */
  withheld(count: number): void;
  /** `pilot_push_triggers{type}`: why a push happened (one per push, as istiod counts each reason). */
  pushTrigger(type: PushTrigger): void;
  /** `pilot_debounce_time`: from the first change of a burst to its release, push context build included. */
  observeDebounce(seconds: number): void;
  /** `pilot_proxy_queue_time`: how long a proxy waited in the push queue before its push started. */
  observeQueueTime(seconds: number): void;
  /** `pilot_proxy_convergence_time`: from a proxy entering the push queue to every type it watches being sent. */
  observeConvergence(seconds: number): void;
  /** `pilot_xds_push_time{type}`: building and sending one type to one proxy. */
  observePushTime(type: XdsShortType, seconds: number): void;
  /** `pilot_xds_send_time`: writing one response on a stream. */
  observeSendTime(seconds: number): void;
}

/** istiod's bucket sets (pilot/pkg/xds/monitoring.go, pkg/xds/monitoring.go). */
export const ISTIOD_BUCKETS = {
  pushTime: [0.01, 0.1, 0.5, 1, 3, 5, 10, 20, 30],
  sendTime: [0.01, 0.1, 1, 3, 5, 10, 20, 30],
  convergence: [0.1, 0.5, 1, 3, 5, 10, 20, 30],
  debounce: [0.01, 0.1, 0.5, 1, 3, 5, 10, 20, 30],
  pushContextInit: [0.01, 0.1, 0.5, 1, 3, 5],
  configSize: [1, 10_000, 1_000_000, 4_000_000, 10_000_000, 40_000_000],
} as const;

/** The kinds istiod counts as Istio config (`pilot_k8s_cfg_events`); the rest are registry kinds. */
const ISTIO_KINDS = new Set(['VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry', 'Sidecar', 'WorkloadEntry', 'WorkloadGroup', 'EnvoyFilter', 'PeerAuthentication', 'RequestAuthentication', 'AuthorizationPolicy']);

const shortType = (url: string): string => typeShortName[url as TypeUrl] ?? 'other';

/** Which `pilot_inbound_updates` type istiod counts for a change of `kind`. */
function inboundType(kind: string, event: ConfigEvent): InboundUpdate {
  if (kind === 'Service' || kind === 'ServiceEntry') return event === 'delete' ? 'svcdelete' : 'svc';
  if (kind === 'EndpointSlice' || kind === 'Endpoints' || kind === 'Pod') return 'eds';
  return 'config';
}

/**
 * The `pilot_push_triggers` reason of a config update: `endpoint` when only endpoints or Pods
 * changed, `service` when only Services (and endpoints), else `config`.
 */
export function pushTriggerFor(changedKeys: ReadonlySet<string>): PushTrigger {
  const kinds = new Set([...changedKeys].map((k) => k.slice(0, k.indexOf('/'))));
  const endpointish = (k: string): boolean => k === 'EndpointSlice' || k === 'Endpoints' || k === 'Pod';
  if (kinds.size > 0 && [...kinds].every(endpointish)) return 'endpoint';
  if (kinds.size > 0 && [...kinds].every((k) => k === 'Service' || endpointish(k))) return 'service';
  return 'config';
}

/** Creates the Prometheus registry served on `/metrics`. */
export function createDiscoveryMetrics(): DiscoveryMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const xds = new Gauge({ name: 'pilot_xds', help: 'Number of endpoints connected to this pilot using XDS.', labelNames: ['version'], registers });
  const pushes = new Counter({ name: 'pilot_xds_pushes', help: 'Pilot build and send errors for lds, rds, cds and eds.', labelNames: ['type'], registers });
  const rejects = new Counter({ name: 'pilot_total_xds_rejects', help: 'Total number of XDS responses from pilot rejected by proxy.', labelNames: ['type'], registers });
  const size = new Histogram({ name: 'pilot_xds_config_size_bytes', help: 'Distribution of configuration sizes pushed to clients', labelNames: ['type'], buckets: [...ISTIOD_BUCKETS.configSize], registers });
  const init = new Histogram({ name: 'pilot_pushcontext_init_seconds', help: 'Total time in seconds Pilot takes to init pushContext.', buckets: [...ISTIOD_BUCKETS.pushContextInit], registers });
  const services = new Gauge({ name: 'pilot_services', help: 'Total services known to pilot.', registers });
  const vss = new Gauge({ name: 'pilot_virt_services', help: 'Total virtual services known to pilot.', registers });
  const invalid = new Gauge({ name: 'minipilot_invalid_configs', help: 'Config objects withheld because they are invalid.', registers });
  const withheld = new Counter({ name: 'minipilot_withheld_resources', help: 'Generated resources withheld because Envoy would reject them (a translation bug).', registers });
  const limits = new Counter({ name: 'minipilot_xds_limit_hits', help: 'xDS streams refused or ended because a client ran into a limit (see the README limits table).', labelNames: ['limit'], registers });
  const inbound = new Counter({ name: 'pilot_inbound_updates', help: 'Total number of updates received by pilot.', labelNames: ['type'], registers });
  const cfgEvents = new Counter({ name: 'pilot_k8s_cfg_events', help: 'Events from k8s config.', labelNames: ['type', 'event'], registers });
  const regEvents = new Counter({ name: 'pilot_k8s_reg_events', help: 'Events from k8s registry.', labelNames: ['type', 'event'], registers });
  const triggers = new Counter({ name: 'pilot_push_triggers', help: 'Total number of times a push was triggered, labeled by reason for the push.', labelNames: ['type'], registers });
  const debounce = new Histogram({ name: 'pilot_debounce_time', help: 'Delay in seconds between the first config enters debouncing and the merged push request is pushed into the push queue (includes pushcontext_init_seconds).', buckets: [...ISTIOD_BUCKETS.debounce], registers });
  const queue = new Histogram({ name: 'pilot_proxy_queue_time', help: 'Time in seconds, a proxy is in the push queue before being dequeued.', buckets: [...ISTIOD_BUCKETS.convergence], registers });
  const convergence = new Histogram({ name: 'pilot_proxy_convergence_time', help: 'Delay in seconds between config change and a proxy receiving all required configuration.', buckets: [...ISTIOD_BUCKETS.convergence], registers });
  const pushTime = new Histogram({ name: 'pilot_xds_push_time', help: 'Total time in seconds Pilot takes to push lds, rds, cds and eds.', labelNames: ['type'], buckets: [...ISTIOD_BUCKETS.pushTime], registers });
  const sendTime = new Histogram({ name: 'pilot_xds_send_time', help: 'Total time in seconds Pilot takes to send generated configuration.', buckets: [...ISTIOD_BUCKETS.sendTime], registers });
  return {
    registry,
    onXdsEvent(e) {
      if (e.kind === 'connect') xds.inc({ version: 'unknown' });
      else if (e.kind === 'disconnect') xds.dec({ version: 'unknown' });
      else if (e.kind === 'send') { pushes.inc({ type: shortType(e.typeUrl) }); size.observe({ type: e.typeUrl }, e.bytes); }
      else if (e.kind === 'nack') rejects.inc({ type: shortType(e.typeUrl) });
      else if (e.kind === 'written') {
        // Generation is shared and done before a push is queued, so a type's push time is its write.
        sendTime.observe(e.seconds);
        pushTime.observe({ type: shortType(e.typeUrl) }, e.seconds);
      }
      else if (e.kind === 'limit') limits.inc({ limit: e.limit });
    },
    transportLimitHit(limit) { limits.inc({ limit }); },
    observePushContext(seconds, svc, vs, bad) { init.observe(seconds); services.set(svc); vss.set(vs); invalid.set(bad); },
    inboundUpdate(type) { inbound.inc({ type }); },
    recordConfigChanges(previous, next, changedKeys) {
      for (const key of changedKeys) {
        const kind = key.slice(0, key.indexOf('/'));
        const before = previous?.objects.has(key) ?? false;
        const after = next.objects.has(key);
        const event: ConfigEvent = !before ? 'add' : after ? 'update' : 'delete';
        (ISTIO_KINDS.has(kind) ? cfgEvents : regEvents).inc({ type: kind, event });
        inbound.inc({ type: inboundType(kind, event) });
      }
    },
    withheld(count) { withheld.inc(count); },
    pushTrigger(type) { triggers.inc({ type }); },
    observeDebounce(seconds) { debounce.observe(seconds); },
    observeQueueTime(seconds) { queue.observe(seconds); },
    observeConvergence(seconds) { convergence.observe(seconds); },
    observePushTime(type, seconds) { pushTime.observe({ type }, seconds); },
    observeSendTime(seconds) { sendTime.observe(seconds); },
  };
}
