import type * as grpc from '@grpc/grpc-js';
import type { ConfigSource } from '@minipilot/config-sources';
import { buildPushContext } from '@minipilot/translation';
import { createPushPipeline, type PushPipeline } from '@minipilot/push';
import { createXdsServer, listenXds, type XdsEvent, type XdsServer, type XdsSnapshot } from '@minipilot/xds-server';

/** The server's push path on loopback (libs/push + the xDS engine, as the discovery server runs them), with counters. */
export interface BenchServer {
  readonly pipeline: PushPipeline;
  readonly xds: XdsServer;
  readonly address: string;
  /** Part generations so far (a part: the shared outbound config of a scope, or a workload's inbound config). */
  generations(): number;
  /** The pipeline's time per part generation (generate what changed, check, encode; ms). */
  generationMs(): readonly number[];
  /** Distinct shared parts in use. */
  views(): number;
  /** Resolves when the pipeline has handed every stream its snapshot for the latest change. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the push pipeline and xDS server on 127.0.0.1 (port 0) over `source`, the way the discovery
 * server wires them (push context per update, `changedKeys` passed on); `onXdsEvent` sees every ADS event.
 */
export async function startBenchServer(source: ConfigSource, onXdsEvent?: (e: XdsEvent) => void): Promise<BenchServer> {
  const ms: number[] = [];
  const first = await source.start();
  const pipeline = createPushPipeline(buildPushContext(first.snapshot), { onGenerated: (_p, _k, t) => void ms.push(t) });
  let pushing: Promise<void> = Promise.resolve();
  source.onUpdate((u) => {
    pushing = pipeline.setPush(buildPushContext(u.snapshot), u.changedKeys);
  });
  const xds = createXdsServer({ source: pipeline, ...(onXdsEvent ? { onEvent: onXdsEvent } : {}) });
  return serve(xds, {
    pipeline,
    generations: () => ms.length,
    generationMs: () => [...ms],
    views: () => pipeline.viewCount(),
    settled: () => pushing,
    stopSource: () => source.stop(),
  });
}

/**
 * The limit a push is compared with: the same xDS engine on @grpc/grpc-js serving one fixed,
 * pre-encoded snapshot to every stream, with no generation at all.
 */
/** The raw server: a fixed snapshot that `set` replaces for every stream. */
export type RawServer = Omit<BenchServer, 'pipeline'> & { set(next: XdsSnapshot): void };

export async function startRawServer(initial: XdsSnapshot, onXdsEvent?: (e: XdsEvent) => void): Promise<RawServer> {
  let snapshot = initial;
  const watchers = new Set<(s: XdsSnapshot) => void>();
  const xds = createXdsServer({
    source: { watch: (_node, on) => (watchers.add(on), on(snapshot), () => void watchers.delete(on)) },
    ...(onXdsEvent ? { onEvent: onXdsEvent } : {}),
  });
  const rest = {
    generations: () => 0, generationMs: (): readonly number[] => [], views: () => 1, settled: () => Promise.resolve(), stopSource: () => Promise.resolve(),
    set(next: XdsSnapshot) {
      snapshot = next;
      for (const w of watchers) w(next);
    },
  };
  return serve(xds, rest);
}

async function serve<T extends object>(xds: XdsServer, rest: T & { stopSource(): Promise<void> }): Promise<T & { xds: XdsServer; address: string; stop(): Promise<void> }> {
  const { grpcServer, port } = await listenXds(xds, '127.0.0.1:0');
  return {
    ...rest,
    xds,
    address: `127.0.0.1:${port}`,
    async stop() {
      await rest.stopSource();
      xds.closeAll();
      await new Promise<void>((resolve) => (grpcServer as grpc.Server).tryShutdown(() => resolve()));
    },
  };
}
