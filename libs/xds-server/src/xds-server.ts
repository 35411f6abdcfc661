import * as grpc from '@grpc/grpc-js';
import type { coreV3, discoveryV3 } from '@minipilot/envoy-api';
import { createAdmission, type Admission } from './admission.js';
import { adsServiceDefinition } from './ads-service.js';
import { createDeltaProtocol } from './delta-stream.js';
import { checkNode, DEFAULT_XDS_LIMITS, StreamRefusal, truncate, type LimitName, type XdsLimits } from './limits.js';
import { createNackLog, type NackLog } from './nack-log.js';
import type { XdsSnapshot } from './snapshot.js';
import { createSotwProtocol, type StreamProtocol } from './sotw-stream.js';
import { createStreamCore, type StreamCore } from './stream-core.js';
import type { ConnectionStatus, Logger, XdsEvent, XdsServer, XdsServerOptions } from './types.js';

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

interface Session {
  status(): ConnectionStatus | undefined;
  end(code: grpc.status, details: string): void;
}

interface ServerContext {
  readonly options: XdsServerOptions;
  readonly logger: Logger;
  readonly nacks: NackLog;
  readonly sessions: Map<string, Session>;
  readonly budget: WriteBudget;
  readonly limits: XdsLimits;
  readonly admission: Admission;
  /** Calls not finished yet (for the forced-close count of a shutdown). */
  readonly unfinished: Set<grpc.ServerDuplexStream<unknown, unknown>>;
  nextStreamId(): string;
  emit(event: XdsEvent): void;
}

/** Bytes handed to gRPC and not yet written out, over all streams, and the streams waiting for room. */
interface WriteBudget {
  pending: number;
  readonly max: number;
  readonly perStream: number;
  /** Streams held by backpressure, in the order they were held; each entry re-flushes its stream. */
  readonly waiting: Map<string, () => void>;
}

/** Lets held streams flush again, oldest first, while there is room. */
function wake(budget: WriteBudget): void {
  for (const [id, flush] of [...budget.waiting]) {
    if (budget.pending >= budget.max) return;
    budget.waiting.delete(id);
    flush();
  }
}

/**
 * Returns an ADS server (SotW and delta) that serves each stream the snapshots its
 * {@link SnapshotSource} supplies, with ACK/NACK bookkeeping, push ordering and status views.
 */
export function createXdsServer(options: XdsServerOptions): XdsServer {
  const logger = options.logger ?? silentLogger;
  let streamSeq = 0;
  const ctx: ServerContext = {
    options,
    logger,
    nacks: createNackLog(options.maxNackRecords ?? 100),
    sessions: new Map(),
    budget: { pending: 0, max: options.maxPendingBytes ?? 16 * 1024 * 1024, perStream: options.maxStreamPendingBytes ?? 2 * 1024 * 1024, waiting: new Map() },
    limits: { ...DEFAULT_XDS_LIMITS, ...options.limits },
    admission: createAdmission({ maxStreamsPerConnection: 100_000, maxNewStreamsPerSecond: 1000, maxWaitMs: 1000, ...options.admission }),
    unfinished: new Set(),
    nextStreamId: () => String(++streamSeq),
    emit(event) {
      try {
        options.onEvent?.(event);
      } catch (err) {
        logger.error({ err, kind: event.kind }, 'xds: onEvent handler threw');
      }
    },
  };
  const implementation: grpc.UntypedServiceImplementation = {
    StreamAggregatedResources: (call: grpc.ServerDuplexStream<discoveryV3.DiscoveryRequest, discoveryV3.DiscoveryResponse>) =>
      admitStream(ctx, call, false, createSotwProtocol),
    DeltaAggregatedResources: (
      call: grpc.ServerDuplexStream<discoveryV3.DeltaDiscoveryRequest, discoveryV3.DeltaDiscoveryResponse>,
    ) => admitStream(ctx, call, true, createDeltaProtocol),
  };
  return {
    service: adsServiceDefinition,
    implementation,
    connections: () => [...ctx.sessions.values()].flatMap((s) => s.status() ?? []),
    nacks: () => ctx.nacks.list(),
    pendingBytes: () => ctx.budget.pending,
    streamCount: () => ctx.sessions.size,
    closeAll: () => {
      for (const session of [...ctx.sessions.values()]) session.end(grpc.status.UNAVAILABLE, 'xds server shutting down');
    },
    unfinishedStreams: () => ctx.unfinished.size,
  };
}

/**
 * Tracks the call until it finishes, then runs admission (per-connection cap, new-stream rate):
 * a refused stream ends with RESOURCE_EXHAUSTED, an admitted one is served.
 */
function admitStream<Req extends { node?: coreV3.Node | undefined }, Res>(
  ctx: ServerContext,
  call: grpc.ServerDuplexStream<Req, Res>,
  delta: boolean,
  createProtocol: (core: StreamCore<Res>) => StreamProtocol<Req>,
): void {
  const tracked = call as unknown as grpc.ServerDuplexStream<unknown, unknown>;
  ctx.unfinished.add(tracked);
  const finished = (): void => {
    ctx.unfinished.delete(tracked);
  };
  for (const event of ['finish', 'close', 'cancelled']) call.once(event, finished);
  ctx.admission.admit(call.getPeer()).then(
    (verdict) => {
      if (call.cancelled) {
        if (verdict.admitted) verdict.release();
        return finished();
      }
      if (!verdict.admitted) {
        ctx.logger.warn({ peer: call.getPeer(), limit: verdict.limit }, `xds: stream refused: ${verdict.message}`);
        ctx.emit({ kind: 'limit', streamId: '', nodeId: '', limit: verdict.limit, delta });
        call.emit('error', { code: grpc.status.RESOURCE_EXHAUSTED, details: verdict.message });
        return;
      }
      serveStream(ctx, call, delta, createProtocol, verdict.release);
    },
    (err: unknown) => {
      ctx.logger.error({ err }, 'xds: stream admission failed');
      call.emit('error', { code: grpc.status.INTERNAL, details: 'xds server error' });
    },
  );
}

/**
 * Runs one ADS stream: readiness gate, node from the first request, the snapshot watch, and the
 * protocol; frees everything on close. Errors end the stream, never the process.
 */
function serveStream<Req extends { node?: coreV3.Node | undefined }, Res>(
  ctx: ServerContext,
  call: grpc.ServerDuplexStream<Req, Res>,
  delta: boolean,
  createProtocol: (core: StreamCore<Res>) => StreamProtocol<Req>,
  release: () => void,
): void {
  if (!(ctx.options.isReady?.() ?? true)) {
    release();
    call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'xds server is not ready (caches not synced)' });
    return;
  }
  const refusal = ctx.options.admit?.();
  if (refusal !== undefined) {
    release();
    ctx.emit({ kind: 'refused', reason: refusal, delta });
    call.emit('error', { code: grpc.status.UNAVAILABLE, details: `xds server is shedding load: ${refusal}` });
    return;
  }
  const streamId = ctx.nextStreamId();
  const budget = ctx.budget;
  let pendingBytes = 0;
  let stuckTimer: NodeJS.Timeout | undefined;
  const stuckMs = ctx.options.stuckStreamTimeoutMs ?? 120_000;
  const armStuck = (): void => {
    if (stuckTimer) clearTimeout(stuckTimer);
    stuckTimer = undefined;
    if (pendingBytes === 0 || stuckMs <= 0 || closed) return;
    stuckTimer = setTimeout(() => {
      ctx.logger.warn({ streamId, nodeId: nodeId(), pendingBytes, ms: stuckMs }, 'xds: closing a stream whose client stopped reading');
      ctx.emit({ kind: 'stuck', streamId, nodeId: nodeId(), pendingBytes, delta });
      fail(grpc.status.UNAVAILABLE, `responses were not read for ${stuckMs} ms`);
    }, stuckMs);
    stuckTimer.unref();
  };
  const canSend = (): boolean => {
    // Nothing in flight anywhere: always room for one response, however large (progress).
    if (budget.pending === 0) return true;
    if (pendingBytes < budget.perStream && budget.pending < budget.max) return true;
    // Held by its own pending bytes: its next write completion flushes it. Held by the server's: wait in line.
    if (!closed && pendingBytes < budget.perStream) budget.waiting.set(streamId, () => guarded(() => protocol.flush()));
    return false;
  };
  let node: coreV3.Node | undefined;
  let connectedAt = '';
  let snapshot: XdsSnapshot | undefined;
  let stopWatch: (() => void) | undefined;
  let closed = false;
  const nodeId = () => node?.id ?? '';
  const shortId = () => truncate(nodeId(), ctx.limits.maxLoggedNodeIdLength);
  const core = createStreamCore<Res>({
    streamId,
    delta,
    logger: ctx.logger,
    nacks: ctx.nacks,
    limits: ctx.limits,
    nodeId,
    snapshot: () => snapshot,
    emit: ctx.emit,
    canSend,
    write: (response, bytes, typeUrl) => {
      if (closed) return;
      pendingBytes += bytes;
      budget.pending += bytes;
      armStuck();
      const handedAt = performance.now();
      call.write(response, () => {
        if (closed) return; // released when the stream closed
        ctx.emit({ kind: 'written', streamId, typeUrl, bytes, seconds: (performance.now() - handedAt) / 1000, delta });
        pendingBytes -= bytes;
        budget.pending -= bytes;
        armStuck();
        guarded(() => protocol.flush());
        wake(budget);
      });
    },
  });
  const protocol = createProtocol(core);

  function close(): void {
    if (closed) return;
    closed = true;
    release();
    ctx.sessions.delete(streamId);
    budget.waiting.delete(streamId);
    if (stuckTimer) clearTimeout(stuckTimer);
    // Bytes gRPC still holds for a closed stream are dropped with it; release them from the budget.
    budget.pending -= pendingBytes;
    pendingBytes = 0;
    wake(budget);
    try {
      stopWatch?.();
    } catch (err) {
      ctx.logger.error({ err, streamId }, 'xds: stopping the snapshot watch threw');
    }
    snapshot = undefined;
    if (node) {
      ctx.logger.debug({ streamId, nodeId: shortId(), delta }, 'xds: stream closed');
      ctx.emit({ kind: 'disconnect', streamId, nodeId: nodeId(), delta });
    }
  }
  function fail(code: grpc.status, details: string): void {
    if (closed) return;
    close();
    call.emit('error', { code, details });
  }
  function guarded(work: () => void): void {
    try {
      work();
    } catch (err) {
      if (err instanceof StreamRefusal) return refuse(err);
      ctx.logger.error({ err, streamId, nodeId: shortId() }, 'xds: internal error on stream');
      fail(grpc.status.INTERNAL, `xds server error: ${messageOf(err)}`);
    }
  }
  /** Ends the stream of a client that broke a rule or ran into a limit (a client error: warn). */
  function refuse(err: StreamRefusal): void {
    ctx.logger.warn({ streamId, nodeId: shortId(), ...(err.limit ? { limit: err.limit } : {}) }, `xds: stream ended: ${err.message}`);
    if (err.limit) ctx.emit({ kind: 'limit', streamId, nodeId: shortId(), limit: err.limit as LimitName, delta });
    fail(err.code, err.message);
  }
  function start(first: Req): boolean {
    if (!first.node) {
      fail(grpc.status.INVALID_ARGUMENT, 'the first request of an ADS stream must carry node');
      return false;
    }
    checkNode(first.node, ctx.limits);
    node = first.node;
    connectedAt = new Date().toISOString();
    ctx.sessions.set(streamId, {
      status: () => ({ streamId, nodeId: nodeId(), delta, connectedAt, types: protocol.types() }),
      end: fail,
    });
    ctx.logger.debug({ streamId, nodeId: shortId(), delta }, 'xds: stream connected');
    ctx.emit({ kind: 'connect', streamId, nodeId: nodeId(), delta });
    if (ctx.options.debug?.isDebugNode(node)) return true; // a debug client (istioctl): debug types only, no Envoy config
    try {
      stopWatch = ctx.options.source.watch(node, (next) => {
        if (closed) return;
        snapshot = next;
        guarded(() => protocol.flush());
      });
    } catch (err) {
      ctx.logger.warn({ streamId, nodeId: shortId(), err: messageOf(err) }, 'xds: stream refused: the node was rejected');
      fail(grpc.status.INVALID_ARGUMENT, messageOf(err));
    }
    return !closed;
  }

  call.on('data', (request: Req) => {
    if (closed) return;
    guarded(() => {
      if (!node && !start(request)) return;
      if (!delta && answerDebug(request as unknown as discoveryV3.DiscoveryRequest)) return;
      protocol.onRequest(request);
      protocol.flush();
    });
  });
  /** istiod's debug types (SotW): each request is answered at once by the debug hook; ACKs of them are ignored. */
  function answerDebug(req: discoveryV3.DiscoveryRequest): boolean {
    const debug = ctx.options.debug;
    if (!debug || !debug.typeUrls.has(req.typeUrl)) return false;
    if (req.responseNonce !== '') return true;
    const response = debug.answer(req);
    if (response) call.write(response as unknown as Res);
    return true;
  }
  call.on('end', () => {
    close();
    call.end();
  });
  call.on('cancelled', close);
  call.on('close', close);
  call.on('error', close);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
