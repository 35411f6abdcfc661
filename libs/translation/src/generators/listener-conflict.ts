import { isHttpProtocol, type Protocol } from '../model/protocol.js';
import type { ServiceModel } from '../model/service.js';
import { sameTcpListenerClass } from './listener-protocol.js';

/**
 * The services on one outbound listener key (`<bind>_<port>`) of a sidecar, as istiod's
 * listenerMap entry (listener.go outboundListenerEntry) holds them.
 */
export interface OutboundListenerEntry {
  readonly bind: string;
  readonly port: number;
  /**
   * istiod's entry protocol, which decides later conflicts: `Unsupported` once the listener sniffs
   * (an HTTP port on 0.0.0.0 counts as sniffed: it has an HTTP chain and a TCP fallthrough), else
   * the protocol of the first TCP-class service.
   */
  protocol: Protocol;
  /** Every service that landed on the listener, in istiod's service order. */
  readonly services: ServiceModel[];
  /** True when the listener has the HTTP chain (the port's route configuration, or `<fqdn>:<port>` on a VIP). */
  http: boolean;
  /** The services whose TCP/TLS chains the listener carries, in order (istiod mergeTCPFilterChains). */
  readonly tcp: ServiceModel[];
  /** The service whose port brought the HTTP chain: on a VIP its route configuration is `<fqdn>:<port>` (istiod buildSidecarOutboundHTTPListenerOpts). */
  routeService?: ServiceModel;
}

const isWellKnown = (p: Protocol): boolean => p === 'Mongo' || p === 'MySQL';

/** A new listener entry for the first service port on a key (istiod NoConflict). */
export function newListenerEntry(bind: string, port: number, protocol: Protocol, svc: ServiceModel): OutboundListenerEntry {
  const http = isHttpProtocol(protocol);
  const sniffed = http || protocol === 'Unsupported';
  return { bind, port, protocol: sniffed ? 'Unsupported' : protocol, services: [svc], http: sniffed, tcp: http ? [] : [svc], ...(sniffed ? { routeService: svc } : {}) };
}

/**
 * Adds a service port to an existing listener entry as istiod's buildSidecarOutboundListener
 * resolves the conflict (listener.go, conflict types), instead of "first service wins":
 * - Mongo or MySQL never share a port with another protocol (isConflictWithWellKnownPort): the
 *   later service is dropped;
 * - HTTP on a listener that already has the HTTP chain joins it (its virtual host is on the port's
 *   route configuration); HTTP on a TCP listener adds the HTTP chain (HTTPOverTCP, sniffed now);
 * - a sniffed port adds its TCP chain, and the HTTP chain if missing (AutoOverTCP, TCPOverAuto);
 * - TCP on a sniffed or HTTP listener adds its TCP chain beside the HTTP chain (TCPOverAuto); TCP on
 *   a TCP listener merges (TCPOverTCP, see sameTcpListenerClass; a chain matching the same
 *   connections as an earlier one is dropped when the chains are built).
 * Returns false when the service was dropped.
 */
export function addToListenerEntry(e: OutboundListenerEntry, svc: ServiceModel, protocol: Protocol): boolean {
  if ((isWellKnown(protocol) || isWellKnown(e.protocol)) && protocol !== e.protocol) return false;
  if (!e.http && (isHttpProtocol(protocol) || protocol === 'Unsupported')) e.routeService = svc;
  if (isHttpProtocol(protocol)) {
    e.services.push(svc);
    e.http = true;
    e.protocol = 'Unsupported';
    return true;
  }
  if (protocol === 'Unsupported' || e.http) {
    e.services.push(svc);
    e.tcp.push(svc);
    e.http = true;
    e.protocol = 'Unsupported';
    return true;
  }
  if (protocol !== e.protocol && !sameTcpListenerClass(e.protocol, protocol)) return false;
  e.services.push(svc);
  e.tcp.push(svc);
  return true;
}

/**
 * istiod's SortServicesByCreationTime, the order services claim listeners in: creation time
 * (missing counts as equal), then name, then namespace.
 */
export function istioServiceOrder(a: ServiceModel, b: ServiceModel): number {
  const ta = a.creationTimestamp ? Date.parse(a.creationTimestamp) : NaN;
  const tb = b.creationTimestamp ? Date.parse(b.creationTimestamp) : NaN;
  if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return ta - tb;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0;
}
