import type * as grpc from '@grpc/grpc-js';
import type { coreV3, discoveryV3 } from '@minipilot/envoy-api';
import type { AdmissionOptions } from './admission.js';
import type { LimitName, XdsLimits } from './limits.js';
import type { NackRecord } from './nack-log.js';
import type { XdsSnapshot } from './snapshot.js';

/** A minimal pino-compatible logger (pino's `Logger` satisfies it). */
export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Supplies each stream with the snapshot for its proxy. */
export interface SnapshotSource {
  /**
   * Called once per stream when its node is known (first request). Calls onSnapshot with the proxy's
   * current snapshot (sync or later) and again whenever it changes. Returns a stop function. May throw
   * an Error to reject the stream (the stream then ends with INVALID_ARGUMENT and that message).
   */
  watch(node: coreV3.Node, onSnapshot: (snapshot: XdsSnapshot) => void): () => void;
}

/**
 * Something that happened on an ADS stream, for metrics, logs and tests (fields may be extended).
 * `request` is a type's first request or a change of its subscription (ACK/NACK have their own kinds;
 * stale SotW requests emit nothing).
 */
export type XdsEvent =
  | { kind: 'connect' | 'disconnect'; streamId: string; nodeId: string; delta: boolean }
  | { kind: 'request'; streamId: string; nodeId: string; typeUrl: string; names: readonly string[]; delta: boolean }
  | {
      kind: 'send';
      streamId: string;
      nodeId: string;
      typeUrl: string;
      version: string;
      nonce: string;
      names: readonly string[];
      removed?: readonly string[];
      /** Encoded size of the resources in the response (the Any values). */
      bytes: number;
      delta: boolean;
    }
  | { kind: 'ack'; streamId: string; nodeId: string; typeUrl: string; version: string; nonce: string; delta: boolean }
  /** A response was written out (its write completed): how long that took since it was handed to gRPC. */
  | { kind: 'written'; streamId: string; typeUrl: string; bytes: number; seconds: number; delta: boolean }
  /** A new stream was refused by `admit` (load shedding). */
  | { kind: 'refused'; reason: string; delta: boolean }
  /** A stream was closed because its responses were not read for `stuckStreamTimeoutMs`. */
  | { kind: 'stuck'; streamId: string; nodeId: string; pendingBytes: number; delta: boolean }
  | {
      /** A client ran into a limit and its stream was refused or ended (`nodeId` is '' before the first request). */
      kind: 'limit';
      streamId: string;
      nodeId: string;
      limit: LimitName;
      delta: boolean;
    }
  | {
      kind: 'nack';
      streamId: string;
      nodeId: string;
      typeUrl: string;
      version: string;
      nonce: string;
      message: string;
      delta: boolean;
    };

/** The state of one type URL on one stream, as shown by {@link XdsServer.connections}. */
export interface TypeStatus {
  typeUrl: string;
  subscribed: readonly string[] | '*';
  sentVersion: string;
  sentNonce: string;
  ackedVersion: string;
  nacked?: { version: string; nonce: string; message: string };
}

/** One open ADS stream, as shown by {@link XdsServer.connections}. */
export interface ConnectionStatus {
  streamId: string;
  nodeId: string;
  delta: boolean;
  /** When the stream's first request arrived (ISO 8601). */
  connectedAt: string;
  types: readonly TypeStatus[];
}

/** Options of {@link createXdsServer}. */
export interface XdsServerOptions {
  source: SnapshotSource;
  /** Streams are refused with UNAVAILABLE until this returns true (istiod refuses ADS before its caches sync). Default: always ready. */
  isReady?: () => boolean;
  logger?: Logger;
  onEvent?: (event: XdsEvent) => void;
  /** Size of the NACK ring buffer (default 100). */
  maxNackRecords?: number;
  /**
   * Write backpressure: bytes of responses handed to gRPC but not yet written out, over all streams.
   * While above, no stream starts a new response; they resume, oldest waiter first, as writes
   * complete (default 16 MiB).
   */
  maxPendingBytes?: number;
  /** The same bound per stream: a stream whose client does not read gets no pile-up (default 2 MiB). */
  maxStreamPendingBytes?: number;
  /**
   * A stream whose written responses make no progress for this long is closed with UNAVAILABLE,
   * logged and reported as a `stuck` event (default 120 s; 0 disables).
   */
  stuckStreamTimeoutMs?: number;
  /**
   * istiod's debug types over xDS (`istio.io/debug/syncz`, ...), for debug clients such as
   * `istioctl proxy-status`: a SotW request of one of `typeUrls` is answered by `answer` at once
   * (its ACK is ignored), and a stream whose node `isDebugNode` gets no snapshot watch at all.
   */
  debug?: {
    readonly typeUrls: ReadonlySet<string>;
    isDebugNode(node: coreV3.Node): boolean;
    answer(request: discoveryV3.DiscoveryRequest): discoveryV3.DiscoveryResponse | undefined;
  };
  /**
   * Admission of new streams (load shedding): returns a reason to refuse the stream with
   * UNAVAILABLE, or undefined to accept it. Checked once per stream, before its first request.
   */
  admit?: () => string | undefined;
  /** What one client may make the server hold; unset fields keep `DEFAULT_XDS_LIMITS`. */
  limits?: Partial<XdsLimits>;
  /** Admission of new streams; default: 100000 per connection, 1000 new streams per second, 1 s wait. */
  admission?: Partial<AdmissionOptions>;
}

/** An ADS service (SotW and delta) ready to be added to a grpc.Server. */
export interface XdsServer {
  /** The service definition to pass to grpc.Server.addService. */
  readonly service: grpc.ServiceDefinition;
  readonly implementation: grpc.UntypedServiceImplementation;
  /** Returns the status of every open stream that has sent its first request. */
  connections(): ConnectionStatus[];
  /** Returns the most recent NACKs, oldest first. */
  nacks(): NackRecord[];
  /** Ends every open stream (e.g. on shutdown). */
  closeAll(): void;
  /** Number of open streams that sent their first request. */
  streamCount(): number;
  /** Bytes of responses handed to gRPC and not yet written out, over all streams (write backpressure). */
  pendingBytes(): number;
  /** Number of streams whose call has not finished yet (ended streams still flushing their status count). */
  unfinishedStreams(): number;
}
