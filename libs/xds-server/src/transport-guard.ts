import type * as http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';

/** Which HTTP/2 transport limit a connection ran into (the `limit` label of `minipilot_xds_limit_hits`). */
export type TransportLimitName = 'max_receive_message_size' | 'max_concurrent_streams' | 'keepalive_pings';

/** Settings of {@link createTransportGuard}; see the README's limits table. */
export interface TransportGuardOptions {
  /**
   * SETTINGS_MAX_CONCURRENT_STREAMS advertised on every connection (istiod's ISTIO_GPRC_MAXSTREAMS,
   * 100000). Clients queue streams beyond it; the guard reports each time a connection reaches it.
   */
  readonly maxConcurrentStreams: number;
  /**
   * Shortest interval between a client's HTTP/2 pings (grpc-go's keepalive EnforcementPolicy.MinTime;
   * istiod uses half its keepalive interval: 15 s). 0 disables enforcement.
   */
  readonly keepaliveMinTimeMs: number;
  /** Too-early pings tolerated before the connection is closed (grpc-go's maxPingStrikes: 2). */
  readonly maxPingStrikes?: number;
  /** Called once per limit hit, with the peer (`address:port`) it came from. */
  readonly onLimit: (limit: TransportLimitName, peer: string) => void;
}

/** What {@link createTransportGuard} returns: an interceptor for the server options and a session hook. */
export interface TransportGuard {
  /** Reports messages grpc-js refused for their size (it ends those calls itself with RESOURCE_EXHAUSTED). */
  readonly interceptor: grpc.ServerInterceptor;
  /**
   * Watches the HTTP/2 sessions of a bound server: counts streams against `maxConcurrentStreams` and
   * enforces the ping rate. Returns false when this grpc-js version does not expose its HTTP/2
   * servers (then only the size limit is observed).
   */
  watch(server: grpc.Server): boolean;
}

/** grpc-js's own messages when a request exceeds `grpc.max_receive_message_length` (stream-decoder / server-interceptors). */
const OVERSIZED = /^Received message (larger than max|that decompresses to a size larger than)/;

/**
 * Bytes the server may write between two pings without it counting as a write that resets the
 * strikes: control frames only (a PING ACK is 17 bytes, a SETTINGS ACK 9, a WINDOW_UPDATE 13).
 * grpc-go resets on HEADERS and DATA; Node does not say which frames it wrote, only how many bytes.
 */
const CONTROL_FRAME_BYTES = 64;

/**
 * Creates the transport guard of a gRPC server: the three HTTP/2-level limits grpc-js enforces
 * without telling anyone (message size), or does not enforce at all (client ping rate), made
 * observable and, for pings, enforced as grpc-go enforces them for istiod.
 *
 * Ping rule (grpc-go's http2_server handlePing, facts only): a ping sooner than `keepaliveMinTimeMs`
 * after the previous one is a strike, unless the server wrote something (beyond control
 * frames) in between; with no stream open the interval is two hours (istiod does not set
 * PermitWithoutStream). More than `maxPingStrikes` strikes end the connection with GOAWAY
 * ENHANCE_YOUR_CALM and the debug data `too_many_pings`, which grpc clients read as "back off".
 */
export function createTransportGuard(o: TransportGuardOptions): TransportGuard {
  const maxStrikes = o.maxPingStrikes ?? 2;
  const report = (limit: TransportLimitName, peer: string): void => {
    try {
      o.onLimit(limit, peer);
    } catch {
      // a metrics callback must never break the transport
    }
  };

  const interceptor: grpc.ServerInterceptor = (_method, call) => {
    // grpc-js calls sendStatus on this (innermost) call itself when its decoder refuses a message,
    // bypassing every interceptor's responder; wrapping the instance's method is the one place to see it.
    const send = call.sendStatus.bind(call);
    call.sendStatus = (status) => {
      if (status.code === grpc.status.RESOURCE_EXHAUSTED && OVERSIZED.test(status.details ?? '')) report('max_receive_message_size', call.getPeer());
      send(status);
    };
    return new grpc.ServerInterceptingCall(call);
  };

  const watchSession = (session: http2.ServerHttp2Session): void => {
    const peer = `${session.socket?.remoteAddress ?? '?'}:${session.socket?.remotePort ?? '?'}`;
    let open = 0;
    session.on('stream', (stream: http2.ServerHttp2Stream) => {
      open += 1;
      if (open >= o.maxConcurrentStreams) report('max_concurrent_streams', peer);
      stream.once('close', () => {
        open -= 1;
      });
    });
    if (o.keepaliveMinTimeMs <= 0) return;
    let lastPing = 0;
    let lastWritten = session.socket?.bytesWritten ?? 0;
    let strikes = 0;
    session.on('ping', () => {
      const now = performance.now();
      const written = session.socket?.bytesWritten ?? 0;
      const wroteSince = written - lastWritten > CONTROL_FRAME_BYTES;
      lastWritten = written;
      const minGap = open > 0 ? o.keepaliveMinTimeMs : 2 * 60 * 60 * 1000;
      const early = lastPing !== 0 && now - lastPing < minGap && !wroteSince;
      lastPing = now;
      if (!early) {
        if (wroteSince) strikes = 0;
        return;
      }
      strikes += 1;
      if (strikes <= maxStrikes) return;
      report('keepalive_pings', peer);
      if (!session.closed && !session.destroyed) {
        session.goaway(0xb /* ENHANCE_YOUR_CALM */, undefined, Buffer.from('too_many_pings'));
        session.close();
      }
    });
  };

  return {
    interceptor,
    watch(server) {
      // grpc-js keeps its HTTP/2 servers in a private map; it is the only way to their sessions.
      const servers = (server as unknown as { http2Servers?: unknown }).http2Servers;
      if (!(servers instanceof Map)) return false;
      for (const h2 of servers.keys() as IterableIterator<http2.Http2Server | http2.Http2SecureServer>) {
        h2.on('session', watchSession);
      }
      return true;
    },
  };
}
