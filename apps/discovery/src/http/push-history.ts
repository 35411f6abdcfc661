import type { XdsEvent } from '@minipilot/xds-server';

/** One recorded push, ACK or NACK on a stream. */
export interface PushRecord {
  readonly at: string;
  readonly kind: 'send' | 'ack' | 'nack';
  readonly typeUrl: string;
  readonly version: string;
  /** Resources in the response (send only). */
  readonly resources?: number;
  /** Encoded bytes of the response (send only). */
  readonly bytes?: number;
  /** The proxy's error message (nack only). */
  readonly message?: string;
}

/** The recent pushes of each connected proxy, for `/debug/pushz` and the web page. */
export interface PushHistory {
  record(e: XdsEvent): void;
  /** The most recent records of a node id, oldest first. */
  forProxy(nodeId: string): readonly PushRecord[];
}

/** Keeps the last `perProxy` sends, ACKs and NACKs of each node id; a node's records go when its stream closes. */
export function createPushHistory(perProxy = 50): PushHistory {
  const byNode = new Map<string, PushRecord[]>();
  return {
    record(e) {
      if (e.kind === 'disconnect') { byNode.delete(e.nodeId); return; }
      if (e.kind !== 'send' && e.kind !== 'ack' && e.kind !== 'nack') return;
      const list = byNode.get(e.nodeId) ?? [];
      byNode.set(e.nodeId, list);
      const at = new Date().toISOString();
      if (e.kind === 'send') list.push({ at, kind: 'send', typeUrl: e.typeUrl, version: e.version, resources: e.names.length, bytes: e.bytes });
      else if (e.kind === 'ack') list.push({ at, kind: 'ack', typeUrl: e.typeUrl, version: e.version });
      else list.push({ at, kind: 'nack', typeUrl: e.typeUrl, version: e.version, message: e.message });
      if (list.length > perProxy) list.splice(0, list.length - perProxy);
    },
    forProxy: (nodeId) => byNode.get(nodeId) ?? [],
  };
}
