import { fromBinary } from '@bufbuild/protobuf';
import { TypeUrl, listenerV3 } from '@minipilot/envoy-api';
import { createAdsClient, type AdsClient, type AdsResponse, type NodeInit } from '@minipilot/xds-server';
import { rdsNamesOf } from '@minipilot/translation';
import { edsNameOfEncoded } from './cluster-scan.js';

/** A response a load client got after {@link LoadClient.arm}: when (absolute ms) and how big. */
export interface ReceivedUpdate {
  readonly typeUrl: string;
  readonly at: number;
  readonly bytes: number;
}

/** One simulated proxy on one ADS stream (like pilot-load's adsc). */
export interface LoadClient {
  /** Resolves with ms from creation until CDS, EDS, LDS and RDS were each ACKed once; rejects on stream end. */
  readonly ready: Promise<number>;
  /** Starts recording responses (for the push measurement). */
  arm(): void;
  /** Responses received since `arm()`. */
  updates(): readonly ReceivedUpdate[];
  close(): void;
}

/** Returns an absolute timestamp in ms with sub-ms resolution, comparable across processes on one host. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

const ALL_TYPES = [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener, TypeUrl.RouteConfiguration];

/**
 * Connects one client: wildcard CDS and LDS, then EDS for the clusters' service names and RDS for the
 * names the listeners reference (following changes), ACKing every response as Envoy does.
 */
export function createLoadClient(address: string, node: NodeInit, delta: boolean): LoadClient {
  const start = nowMs();
  const client = createAdsClient(address, { node, delta });
  const acked = new Set<string>();
  const clusters = new Map<string, string | undefined>();
  const listeners = new Map<string, string[]>();
  const subscribed = new Map<string, Set<string>>([[TypeUrl.ClusterLoadAssignment, new Set()], [TypeUrl.RouteConfiguration, new Set()]]);
  const received: ReceivedUpdate[] = [];
  let armed = false;
  let closed = false;
  let markReady: (ms: number) => void = () => {};
  const ready = new Promise<number>((resolve) => (markReady = resolve));

  const follow = (typeUrl: string, wanted: Set<string>): void => {
    const had = subscribed.get(typeUrl)!;
    const add = [...wanted].filter((n) => !had.has(n));
    const remove = [...had].filter((n) => !wanted.has(n));
    if (add.length === 0 && remove.length === 0) return;
    subscribed.set(typeUrl, wanted);
    client.request(delta ? { typeUrl, subscribe: add, unsubscribe: remove } : { typeUrl, names: [...wanted].sort() });
  };

  const handle = (r: AdsResponse): void => {
    if (armed) received.push({ typeUrl: r.typeUrl, at: nowMs(), bytes: r.resources.reduce((n, x) => n + x.value.length, 0) });
    if (r.typeUrl === TypeUrl.Cluster) {
      if (!delta) clusters.clear();
      for (const name of r.removed) clusters.delete(name);
      for (const res of r.resources) clusters.set(res.name, edsNameOfEncoded(res.value));
    } else if (r.typeUrl === TypeUrl.Listener) {
      if (!delta) listeners.clear();
      for (const name of r.removed) listeners.delete(name);
      for (const res of r.resources) listeners.set(res.name, rdsNamesOf(fromBinary(listenerV3.ListenerSchema, res.value)));
    }
    client.ack(r);
    acked.add(r.typeUrl);
    if (r.typeUrl === TypeUrl.Cluster) follow(TypeUrl.ClusterLoadAssignment, new Set([...clusters.values()].filter((n): n is string => n !== undefined)));
    if (r.typeUrl === TypeUrl.Listener) follow(TypeUrl.RouteConfiguration, new Set([...listeners.values()].flat()));
    if (ALL_TYPES.every((t) => acked.has(t))) markReady(nowMs() - start);
  };

  const loop = async (c: AdsClient): Promise<void> => {
    for (;;) handle(await c.expectResponse(undefined, 3_600_000));
  };

  sendInitialRequests(client, delta);
  const looping = loop(client).catch((err: unknown) => {
    if (!closed) throw err;
  });
  return {
    ready: Promise.race([ready, looping.then(() => Promise.reject(new Error('ADS stream ended before all types were ACKed')))]),
    arm: () => {
      armed = true;
    },
    updates: () => received,
    close: () => {
      closed = true;
      client.close();
    },
  };
}

/** Sends the first requests: wildcard CDS and LDS (SotW `*`, delta legacy wildcard). */
function sendInitialRequests(client: AdsClient, delta: boolean): void {
  for (const typeUrl of [TypeUrl.Cluster, TypeUrl.Listener]) {
    client.request(delta ? { typeUrl, subscribe: [] } : { typeUrl, names: ['*'] });
  }
}
