// Test-only helpers: a real xDS server on 127.0.0.1:0 fed by a settable snapshot source, and small
// real Envoy resources whose content varies with a `v` number.
import { create, toBinary } from '@bufbuild/protobuf';
import { clusterV3, endpointV3, listenerV3, routeV3, TypeUrl } from '@minipilot/envoy-api';
import { createAdsClient, type AdsClient } from '../ads-client.js';
import { listenXds, type GrpcServerLimits } from '../listen.js';
import { createResource, createSnapshot, type XdsResource, type XdsSnapshot } from '../snapshot.js';
import type { XdsEvent, XdsServer, XdsServerOptions } from '../types.js';
import { createXdsServer } from '../xds-server.js';

export const CDS = TypeUrl.Cluster;
export const EDS = TypeUrl.ClusterLoadAssignment;
export const LDS = TypeUrl.Listener;
export const RDS = TypeUrl.RouteConfiguration;

/** A Cluster whose content changes with `v`. */
export function cluster(name: string, v = 0): XdsResource {
  return createResource(name, toBinary(clusterV3.ClusterSchema, create(clusterV3.ClusterSchema, { name, altStatName: `v${v}` })));
}
/** A ClusterLoadAssignment whose content changes with `v`. */
export function cla(name: string, v = 0): XdsResource {
  const msg = create(endpointV3.ClusterLoadAssignmentSchema, { clusterName: name, endpoints: [{ priority: v }] });
  return createResource(name, toBinary(endpointV3.ClusterLoadAssignmentSchema, msg));
}
/** A Listener whose content changes with `v`. */
export function listener(name: string, v = 0): XdsResource {
  return createResource(name, toBinary(listenerV3.ListenerSchema, create(listenerV3.ListenerSchema, { name, statPrefix: `v${v}` })));
}
/** A RouteConfiguration whose content changes with `v`. */
export function route(name: string, v = 0): XdsResource {
  const msg = create(routeV3.RouteConfigurationSchema, { name, virtualHosts: [{ name: `v${v}` }] });
  return createResource(name, toBinary(routeV3.RouteConfigurationSchema, msg));
}

/** Content versions per resource name (default 0) for {@link world}. */
export type Variants = Partial<Record<string, number>>;

/** The default world: clusters/CLAs a and b, listeners l1 and l2, routes r1 and r2. */
export function world(v: Variants = {}, extra: { clusters?: string[] } = {}): Record<string, XdsResource[]> {
  const clusters = extra.clusters ?? ['a', 'b'];
  return {
    [CDS]: clusters.map((n) => cluster(n, v[`cds:${n}`])),
    [EDS]: clusters.map((n) => cla(n, v[`eds:${n}`])),
    [LDS]: ['l1', 'l2'].map((n) => listener(n, v[`lds:${n}`])),
    [RDS]: ['r1', 'r2'].map((n) => route(n, v[`rds:${n}`])),
  };
}

/** A running server with a settable snapshot (shared by every proxy) and its clients. */
export interface Harness {
  readonly xds: XdsServer;
  readonly address: string;
  readonly events: XdsEvent[];
  /** Number of watches currently open. */
  watches(): number;
  /** Replaces the snapshot of every proxy. */
  set(byType: Record<string, readonly XdsResource[]>): XdsSnapshot;
  /** Opens a client; node id 'reject' makes the source throw. */
  connect(delta: boolean, nodeId?: string): AdsClient;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1:0 whose snapshot is `initial` until {@link Harness.set}. */
export async function startHarness(
  initial: Record<string, readonly XdsResource[]> = world(),
  options: Partial<XdsServerOptions> = {},
  grpcLimits: GrpcServerLimits = {},
): Promise<Harness> {
  let current = createSnapshot(initial);
  const watchers = new Set<(s: XdsSnapshot) => void>();
  const events: XdsEvent[] = [];
  const clients: AdsClient[] = [];
  const xds = createXdsServer({
    ...options,
    source: {
      watch(node, onSnapshot) {
        if (node.id === 'reject') throw new Error('unknown proxy: reject');
        watchers.add(onSnapshot);
        onSnapshot(current);
        return () => watchers.delete(onSnapshot);
      },
    },
    onEvent: (e) => events.push(e),
  });
  const { grpcServer, port } = await listenXds(xds, '127.0.0.1:0', grpcLimits);
  const address = `127.0.0.1:${port}`;
  return {
    xds,
    address,
    events,
    watches: () => watchers.size,
    set(byType) {
      current = createSnapshot(byType);
      for (const w of watchers) w(current);
      return current;
    },
    connect(delta, nodeId = 'sidecar~10.0.0.1~pod.ns~ns.svc.cluster.local') {
      const client = createAdsClient(address, { node: { id: nodeId, cluster: 'test' }, delta });
      clients.push(client);
      return client;
    },
    async close() {
      for (const c of clients) c.close();
      xds.closeAll();
      grpcServer.forceShutdown();
    },
  };
}

/** Returns the resource names of a response. */
export function names(response: { resources: readonly { name: string }[] }): string[] {
  return response.resources.map((r) => r.name);
}

/** Resolves once `condition()` holds (polling every 10 ms); rejects after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
