import { Registry, Counter, Gauge, Histogram, collectDefaultMetrics } from 'prom-client';
import { typeShortName, type TypeUrl } from '@minipilot/envoy-api';
import type { XdsEvent } from '@minipilot/xds-server';

/** istiod's metric names, types and buckets (counters without `_total`), so its dashboards work unchanged. */
export interface DiscoveryMetrics {
  readonly registry: Registry;
  onXdsEvent(e: XdsEvent): void;
  observePushContext(seconds: number, services: number, virtualServices: number, invalidConfigs: number): void;
  inboundUpdate(type: 'config'): void;
  withheld(count: number): void;
}

const shortType = (url: string): string => typeShortName[url as TypeUrl] ?? 'other';

/** Creates the Prometheus registry served on `/metrics`. */
export function createDiscoveryMetrics(): DiscoveryMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const xds = new Gauge({ name: 'pilot_xds', help: 'Number of endpoints connected to this pilot using XDS.', labelNames: ['version'], registers: [registry] });
  const pushes = new Counter({ name: 'pilot_xds_pushes', help: 'Pilot build and send errors for lds, rds, cds and eds.', labelNames: ['type'], registers: [registry] });
  const rejects = new Counter({ name: 'pilot_total_xds_rejects', help: 'Total number of XDS responses from pilot rejected by proxy.', labelNames: ['type'], registers: [registry] });
  const size = new Histogram({ name: 'pilot_xds_config_size_bytes', help: 'Distribution of configuration sizes pushed to clients', labelNames: ['type'], buckets: [1, 10_000, 1_000_000, 4_000_000, 10_000_000, 40_000_000], registers: [registry] });
  const init = new Histogram({ name: 'pilot_pushcontext_init_seconds', help: 'Total time in seconds Pilot takes to init pushContext.', buckets: [0.01, 0.1, 0.5, 1, 3, 5], registers: [registry] });
  const services = new Gauge({ name: 'pilot_services', help: 'Total services known to pilot.', registers: [registry] });
  const vss = new Gauge({ name: 'pilot_virt_services', help: 'Total virtual services known to pilot.', registers: [registry] });
  const invalid = new Gauge({ name: 'minipilot_invalid_configs', help: 'Config objects withheld because they are invalid.', registers: [registry] });
  const withheld = new Counter({ name: 'minipilot_withheld_resources', help: 'Generated resources withheld because Envoy would reject them (a translation bug).', registers: [registry] });
  const limits = new Counter({ name: 'minipilot_xds_limit_hits', help: 'xDS streams refused or ended because a client ran into a limit (see the README limits table).', labelNames: ['limit'], registers: [registry] });
  const inbound = new Counter({ name: 'pilot_inbound_updates', help: 'Total number of updates received by pilot.', labelNames: ['type'], registers: [registry] });
  return {
    registry,
    onXdsEvent(e) {
      if (e.kind === 'connect') xds.inc({ version: 'unknown' });
      else if (e.kind === 'disconnect') xds.dec({ version: 'unknown' });
      else if (e.kind === 'send') { pushes.inc({ type: shortType(e.typeUrl) }); size.observe({ type: e.typeUrl }, e.bytes); }
      else if (e.kind === 'nack') rejects.inc({ type: shortType(e.typeUrl) });
      else if (e.kind === 'limit') limits.inc({ limit: e.limit });
    },
    observePushContext(seconds, svc, vs, bad) { init.observe(seconds); services.set(svc); vss.set(vs); invalid.set(bad); },
    inboundUpdate(type) { inbound.inc({ type }); },
    withheld(count) { withheld.inc(count); },
  };
}
