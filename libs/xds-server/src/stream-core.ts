import { randomUUID } from 'node:crypto';
import { truncate, type XdsLimits } from './limits.js';
import type { XdsResource, XdsSnapshot } from './snapshot.js';
import type { NackLog } from './nack-log.js';
import type { Logger, TypeStatus, XdsEvent } from './types.js';
import { describeSubscription, type Subscription } from './subscription.js';

/** Bookkeeping of one type URL on one stream, shared by SotW and delta (mutable, stream-private). */
export interface TypeTracker {
  readonly typeUrl: string;
  sub: Subscription;
  lastNonce: string;
  sentVersion: string;
  ackedVersion: string;
  /** A response was sent and its ACK/NACK has not arrived (at most one per type). */
  inFlight: boolean;
  /** Respond at the next flush even if nothing changed. */
  force: boolean;
  nacked: { version: string; nonce: string; message: string } | undefined;
}

/** Returns a fresh tracker for a type's first request. */
export function createTracker(typeUrl: string, sub: Subscription): TypeTracker {
  return { typeUrl, sub, lastNonce: '', sentVersion: '', ackedVersion: '', inFlight: false, force: true, nacked: undefined };
}

/** Returns the status view of a tracker. */
export function trackerStatus(t: TypeTracker): TypeStatus {
  const status: TypeStatus = {
    typeUrl: t.typeUrl,
    subscribed: describeSubscription(t.sub),
    sentVersion: t.sentVersion,
    sentNonce: t.lastNonce,
    ackedVersion: t.ackedVersion,
  };
  return t.nacked ? { ...status, nacked: { ...t.nacked } } : status;
}

/** What a response carried, for events and bookkeeping. */
export interface SentSummary {
  readonly version: string;
  readonly resources: readonly XdsResource[];
  readonly removed?: readonly string[];
}

/** What the SotW and delta protocols need from the stream they run on. */
export interface StreamCore<Res> {
  readonly streamId: string;
  readonly delta: boolean;
  readonly logger: Logger;
  /** What a client may make this stream hold (checked by the protocols on every request). */
  readonly limits: XdsLimits;
  nodeId(): string;
  /** Returns the proxy's current snapshot, undefined until the source delivered one. */
  snapshot(): XdsSnapshot | undefined;
  /** Emits a request event. */
  requested(typeUrl: string, names: readonly string[]): void;
  /** Releases the in-flight slot and records an ACK (event) or a NACK (ring buffer, warn log, event). */
  answered(t: TypeTracker, kind: 'ack' | 'nack', version: string, message: string): void;
  /** Assigns an unguessable nonce (random UUID, as istiod's), writes the response built for it and marks the type in flight. */
  send(t: TypeTracker, summary: SentSummary, build: (nonce: string) => Res): void;
  /** False while write backpressure holds this stream (its or the server's pending bytes are over the limit). */
  canSend(): boolean;
}

/** The dependencies of {@link createStreamCore}. */
export interface StreamCoreDeps<Res> {
  readonly streamId: string;
  readonly delta: boolean;
  readonly logger: Logger;
  readonly nacks: NackLog;
  readonly limits: XdsLimits;
  nodeId(): string;
  snapshot(): XdsSnapshot | undefined;
  emit(event: XdsEvent): void;
  /** Writes one response of `typeUrl` whose resources total `bytes`. */
  write(response: Res, bytes: number, typeUrl: string): void;
  canSend(): boolean;
}

/**
 * Returns the core for one stream: nonces, ACK/NACK bookkeeping, events. Nonces are random so a
 * client cannot ACK a response it never read by guessing the next one; NACK messages are kept and
 * logged cut to `limits.maxNackMessageLength`, with the node id cut to `limits.maxLoggedNodeIdLength`.
 */
export function createStreamCore<Res>(deps: StreamCoreDeps<Res>): StreamCore<Res> {
  const ids = () => ({ streamId: deps.streamId, nodeId: deps.nodeId(), delta: deps.delta });
  return {
    streamId: deps.streamId,
    delta: deps.delta,
    logger: deps.logger,
    limits: deps.limits,
    nodeId: deps.nodeId,
    snapshot: deps.snapshot,
    requested(typeUrl, names) {
      deps.emit({ kind: 'request', ...ids(), typeUrl, names });
    },
    answered(t, kind, version, fullMessage) {
      t.inFlight = false;
      const message = truncate(fullMessage, deps.limits.maxNackMessageLength);
      const nonce = t.lastNonce;
      if (kind === 'ack') {
        t.ackedVersion = version;
        t.nacked = undefined;
        deps.emit({ kind: 'ack', ...ids(), typeUrl: t.typeUrl, version, nonce });
        return;
      }
      t.nacked = { version, nonce, message };
      const record = { time: new Date().toISOString(), nodeId: deps.nodeId(), streamId: deps.streamId, typeUrl: t.typeUrl, nonce, version, message };
      deps.nacks.add(record);
      const { time: _time, nodeId, ...fields } = record; // the logger stamps its own time
      deps.logger.warn({ ...fields, nodeId: truncate(nodeId, deps.limits.maxLoggedNodeIdLength) }, 'xds: client rejected a response (NACK)');
      deps.emit({ kind: 'nack', ...ids(), typeUrl: t.typeUrl, version, nonce, message });
    },
    canSend: deps.canSend,
    send(t, summary, build) {
      const nonce = randomUUID();
      const bytes = summary.resources.reduce((n, r) => n + r.value.length, 0);
      t.lastNonce = nonce;
      t.sentVersion = summary.version;
      t.inFlight = true;
      t.force = false;
      const { version, resources } = summary;
      const names = resources.map((r) => r.name);
      deps.write(build(nonce), bytes, t.typeUrl);
      const removed = summary.removed ? { removed: summary.removed } : {};
      deps.emit({ kind: 'send', ...ids(), typeUrl: t.typeUrl, version, nonce, names, ...removed, bytes });
    },
  };
}
