import type { Protocol } from '../model/protocol.js';

const TCP_CLASS: ReadonlySet<Protocol> = new Set(['TCP', 'TLS', 'HTTPS', 'Mongo', 'MySQL', 'Redis']);

/**
 * True when services with these port protocols share one outbound TCP listener (istiod's
 * TCPOverTCP merge: TCP, TLS, HTTPS, Redis, ... chains merge on one listener), except that Mongo
 * and MySQL never share a port with another protocol (isConflictWithWellKnownPort).
 */
export function sameTcpListenerClass(a: Protocol, b: Protocol): boolean {
  if (!TCP_CLASS.has(a) || !TCP_CLASS.has(b)) return false;
  const exclusive = (p: Protocol): boolean => p === 'Mongo' || p === 'MySQL';
  return a === b || (!exclusive(a) && !exclusive(b));
}
