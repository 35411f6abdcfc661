import type { NodeInit } from '@minipilot/xds-server';
import type { ReceivedUpdate } from './load-client.js';

/** Commands the bench sends to the load worker process. */
export type WorkerCommand =
  | {
      readonly cmd: 'connect'; readonly address: string; readonly clients: number; readonly delta: boolean; readonly sharedIp: boolean; readonly timeoutMs: number;
      /** The clients' nodes, one per client; default: `loadNode(i, 'sidecar', sharedIp)`. */
      readonly nodes?: readonly NodeInit[];
    }
  | { readonly cmd: 'arm' }
  | {
      readonly cmd: 'collect'; readonly timeoutMs: number;
      /** The clients expected to receive a RouteConfiguration (default: all); the others are given `quietMs` to show they get nothing. */
      readonly expect?: readonly number[];
      readonly quietMs?: number;
    }
  /** Closes every client, or only the last `count`. */
  | { readonly cmd: 'release'; readonly count?: number }
  | { readonly cmd: 'exit' };

/** What the load worker reports back. */
export type WorkerEvent =
  | {
      readonly event: 'connected';
      /** Absolute ms when the first client was created. */
      readonly startedAt: number;
      /** Per client: ms from creation until all four types were ACKed (only clients that made it). */
      readonly readyMs: readonly number[];
      /** Absolute ms when the last client became ready. */
      readonly lastReadyAt: number;
      readonly failed: number;
      readonly firstError?: string;
    }
  | { readonly event: 'armed' }
  | { readonly event: 'released' }
  | { readonly event: 'updates'; readonly perClient: readonly (readonly ReceivedUpdate[])[] };

/**
 * The node of load client `i`: a proxy in `default` with the shared labels (metadata LABELS) and its
 * own IP, or with `sharedIp` the IP of client 0 (replicas of one workload identity, which minipilot
 * groups into one view; sidecars with distinct IPs each get their own view).
 */
export function loadNode(i: number, type: 'sidecar' | 'router' = 'sidecar', sharedIp = false): NodeInit {
  const n = sharedIp ? 0 : i;
  const ip = `10.200.${n >> 8}.${n & 255}`;
  return {
    id: `${type}~${ip}~load-${i}.default~default.svc.cluster.local`,
    metadata: { NAMESPACE: 'default', LABELS: { app: 'load', version: 'v1' } },
  };
}
