import { PUSH_ORDER } from '@minipilot/envoy-api';

const RANK = new Map<string, number>(PUSH_ORDER.map((typeUrl, i) => [typeUrl, i]));

/**
 * Returns the type URLs in push order: CDS, EDS, LDS, RDS first, then any other type by name.
 * NOTE: order MATTERS (make-before-break), see
 * https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol#eventual-consistency-considerations
 */
export function inPushOrder(typeUrls: Iterable<string>): string[] {
  const rank = (t: string) => RANK.get(t) ?? PUSH_ORDER.length;
  return [...typeUrls].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Sends what is due for every type, in push order, at most one un-ACKed response per type.
 * A CDS/EDS/LDS/RDS type that has a response due while its previous one is in flight holds back the
 * later ones of those four until its ACK/NACK, so a change always reaches the client CDS → EDS → LDS → RDS.
 * `plan` is called in order, after the sends of earlier types (CDS sends may make EDS due). Stops
 * as soon as `canSend` says write backpressure holds the stream.
 */
export function flushInOrder<T extends { readonly inFlight: boolean }, P>(
  trackers: ReadonlyMap<string, T>,
  plan: (typeUrl: string, tracker: T) => P | undefined,
  send: (typeUrl: string, tracker: T, plan: P) => void,
  canSend: () => boolean = () => true,
): void {
  let held = false;
  for (const typeUrl of inPushOrder(trackers.keys())) {
    if (!canSend()) return; // write backpressure: the stream is flushed again once its writes drain
    const ordered = RANK.has(typeUrl);
    if (held && ordered) continue;
    const tracker = trackers.get(typeUrl)!;
    const due = plan(typeUrl, tracker);
    if (due === undefined) continue;
    if (!tracker.inFlight) send(typeUrl, tracker, due);
    else if (ordered) held = true;
  }
}

/**
 * Returns the names that `after` holds at a different version than `before` did (names new in
 * `after` excluded): the Clusters re-sent with changes, whose ClusterLoadAssignment must be re-sent
 * in the same push because Envoy warms a changed cluster until a new CLA arrives.
 * NOTE: https://github.com/envoyproxy/go-control-plane/issues/245, https://github.com/envoyproxy/envoy/issues/13009
 */
export function changedOnResend(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  return [...after].flatMap(([name, version]) => (before.has(name) && before.get(name) !== version ? [name] : []));
}
