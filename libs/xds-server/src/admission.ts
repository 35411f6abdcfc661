import type { LimitName } from './limits.js';

/** Settings of {@link createAdmission}. */
export interface AdmissionOptions {
  /** Most ADS streams open at once on one HTTP/2 connection (istiod's ISTIO_GPRC_MAXSTREAMS is 100000). */
  readonly maxStreamsPerConnection: number;
  /** New streams admitted per second, with one second of burst; 0 admits all (istiod's PILOT_MAX_REQUESTS_PER_SECOND). */
  readonly maxNewStreamsPerSecond: number;
  /** Longest a new stream waits for its turn before it is refused (istiod waits 1 s). */
  readonly maxWaitMs: number;
}

/** The verdict on a new stream: admitted (call `release` when it closes) or refused by a limit. */
export type AdmissionVerdict =
  | { readonly admitted: true; release(): void }
  | { readonly admitted: false; readonly limit: LimitName; readonly message: string };

/** Decides whether a new stream may start; see {@link createAdmission}. */
export interface Admission {
  /** Resolves once the stream on connection `peer` may start (after at most `maxWaitMs`), or is refused. */
  admit(peer: string): Promise<AdmissionVerdict>;
  /** Streams open per connection, for status and tests. */
  openOn(peer: string): number;
}

/**
 * Creates the admission control of new ADS streams: a per-connection stream cap and a token bucket
 * on the rate of new streams. A stream that finds no token reserves the next one and waits for it,
 * if that is within `maxWaitMs`; otherwise it is refused (the client retries, maybe elsewhere).
 * Per-connection counts are dropped when they reach zero, so nothing stays after the streams close.
 */
export function createAdmission(o: AdmissionOptions, now: () => number = () => performance.now()): Admission {
  const perPeer = new Map<string, number>();
  const rate = o.maxNewStreamsPerSecond;
  let tokens = rate;
  let last = now();

  const take = (): number | undefined => {
    if (rate <= 0) return 0;
    const t = now();
    tokens = Math.min(rate, tokens + ((t - last) / 1000) * rate);
    last = t;
    tokens -= 1;
    if (tokens >= 0) return 0;
    const waitMs = (-tokens / rate) * 1000;
    if (waitMs <= o.maxWaitMs) return waitMs;
    tokens += 1;
    return undefined;
  };

  const admitNow = (peer: string): AdmissionVerdict => {
    const open = perPeer.get(peer) ?? 0;
    if (open >= o.maxStreamsPerConnection) {
      return { admitted: false, limit: 'streams_per_connection', message: `too many concurrent ADS streams on this connection (limit ${o.maxStreamsPerConnection})` };
    }
    perPeer.set(peer, open + 1);
    let released = false;
    return {
      admitted: true,
      release() {
        if (released) return;
        released = true;
        const n = (perPeer.get(peer) ?? 1) - 1;
        if (n <= 0) perPeer.delete(peer);
        else perPeer.set(peer, n);
      },
    };
  };

  return {
    admit(peer) {
      const waitMs = take();
      if (waitMs === undefined) {
        return Promise.resolve({ admitted: false, limit: 'new_streams_per_second', message: `too many new ADS streams (limit ${rate} per second); retry later` });
      }
      if (waitMs === 0) return Promise.resolve(admitNow(peer));
      return new Promise((resolve) => setTimeout(() => resolve(admitNow(peer)), waitMs).unref());
    },
    openOn: (peer) => perPeer.get(peer) ?? 0,
  };
}
