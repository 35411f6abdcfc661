import { Counter, Gauge, type Registry } from 'prom-client';
import type { PushPipeline } from '@minipilot/push';
import type { XdsEvent, XdsServer } from '@minipilot/xds-server';

/** Metrics of the push pipeline and of write backpressure / load shedding, on the server's registry. */
export interface PushMetrics {
  onXdsEvent(e: XdsEvent): void;
}

/** Registers the push pipeline's metrics on `registry` (gauges are read at scrape time). */
export function createPushMetrics(registry: Registry, pipeline: () => PushPipeline | undefined, xds: () => XdsServer | undefined): PushMetrics {
  const refused = new Counter({ name: 'minipilot_xds_refused_streams', help: 'New xDS streams refused because the server was shedding load (limits: --max-streams, --max-heap-fraction).', registers: [registry] });
  const stuck = new Counter({ name: 'minipilot_xds_stuck_streams_closed', help: 'xDS streams closed because their client stopped reading responses (--stuck-stream-timeout).', registers: [registry] });
  new Gauge({ name: 'minipilot_xds_pending_write_bytes', help: 'Bytes of xDS responses handed to gRPC and not yet written out (write backpressure).', registers: [registry], collect() { this.set(xds()?.pendingBytes() ?? 0); } });
  new Gauge({ name: 'minipilot_xds_cache_entries', help: 'Entries of the per-resource xDS cache.', registers: [registry], collect() { this.set(pipeline()?.stats().cache.size ?? 0); } });
  new Gauge({ name: 'minipilot_push_parts', help: 'Shared config parts in use (scope parts and workload parts).', labelNames: ['part'], registers: [registry], collect() {
    const s = pipeline()?.stats();
    this.set({ part: 'scope' }, s?.scopes ?? 0);
    this.set({ part: 'workload' }, s?.workloads ?? 0);
  } });
  return {
    onXdsEvent(e) {
      if (e.kind === 'refused') refused.inc();
      else if (e.kind === 'stuck') stuck.inc();
    },
  };
}
