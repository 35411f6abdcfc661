import { listenerV3, coreV3, tlsInspectorV3, httpInspectorV3, hcmV3 } from '@minipilot/envoy-api';
import { isWildcardAddress } from './ip.js';
import { isExtension, unpackAny } from './typed-config.js';
import type { NormalizedRequest } from './request.js';

/** How the request reached its listener: a socket listener, or a proxyless gRPC api_listener. */
export type ListenerMatch =
  | { readonly kind: 'socket'; readonly listener: listenerV3.Listener }
  | { readonly kind: 'api'; readonly listener: listenerV3.Listener; readonly hcm: hcmV3.HttpConnectionManager };

function socketOf(a: coreV3.Address | undefined): { address: string; port: number } | undefined {
  if (a?.address.case !== 'socketAddress') return undefined;
  const s = a.address.value;
  return s.portSpecifier.case === 'portValue' ? { address: s.address, port: s.portSpecifier.value } : undefined;
}

function addressesOf(l: listenerV3.Listener): { address: string; port: number }[] {
  return [l.address, ...l.additionalAddresses.map((x) => x.address)].flatMap((a) => socketOf(a) ?? []);
}

/**
 * Finds the listener that accepts a request, as Envoy hands a connection over:
 * inbound mode → `virtualInbound` (else an INBOUND original-dst listener); outbound → the listener
 * bound to exactly `address:port`, then the wildcard one on `port` (`0.0.0.0`/`::`), then the
 * original-dst capture listener (`virtualOutbound`, else any non-inbound `use_original_dst` one).
 * Proxyless gRPC configs have no socket listeners: there an `api_listener` named `host:port` (the
 * xDS target the client dials) is used.
 */
export function findListener(listeners: readonly listenerV3.Listener[], req: NormalizedRequest): ListenerMatch | undefined {
  const socket = (l: listenerV3.Listener | undefined): ListenerMatch | undefined => (l ? { kind: 'socket', listener: l } : undefined);
  const capture = (direction: 'inbound' | 'outbound'): listenerV3.Listener | undefined => {
    const inbound = (l: listenerV3.Listener): boolean => l.trafficDirection === coreV3.TrafficDirection.INBOUND;
    const name = direction === 'inbound' ? 'virtualInbound' : 'virtualOutbound';
    return listeners.find((l) => l.name === name)
      ?? listeners.find((l) => l.useOriginalDst === true && !l.apiListener && inbound(l) === (direction === 'inbound'));
  };
  if (req.mode === 'inbound') return socket(capture('inbound'));
  const bound = listeners.filter((l) => !l.apiListener);
  const onPort = (pred: (address: string) => boolean) => bound.find((l) => addressesOf(l).some((a) => a.port === req.port && pred(a.address)));
  const found = onPort((a) => a === req.address) ?? onPort(isWildcardAddress) ?? capture('outbound');
  if (found) return socket(found);
  const api = listeners.find((l) => l.apiListener?.apiListener && l.name === `${req.host}:${req.port}`);
  const hcm = unpackAny(api?.apiListener?.apiListener, hcmV3.HttpConnectionManagerSchema);
  return api && hcm ? { kind: 'api', listener: api, hcm } : undefined;
}

/** Which inspecting listener filters run for a connection to `port`. */
export interface Inspectors {
  readonly tls: boolean;
  readonly http: boolean;
}

function predicateMatches(p: listenerV3.ListenerFilterChainMatchPredicate, port: number): boolean {
  const r = p.rule;
  switch (r.case) {
    case 'anyMatch': return r.value;
    case 'notMatch': return !predicateMatches(r.value, port);
    case 'orMatch': return r.value.rules.some((x) => predicateMatches(x, port));
    case 'andMatch': return r.value.rules.every((x) => predicateMatches(x, port));
    case 'destinationPortRange': return port >= r.value.start && port < r.value.end;
    default: return false;
  }
}

/**
 * The listener's TLS and HTTP inspectors that are enabled for destination `port` (a filter whose
 * `filter_disabled` predicate matches the port does not run). Recognised by name or typed_config type.
 */
export function listenerInspectors(l: listenerV3.Listener, port: number): Inspectors {
  const enabled = l.listenerFilters.filter((f) => !(f.filterDisabled && predicateMatches(f.filterDisabled, port)));
  return {
    tls: enabled.some((f) => isExtension(f, ['envoy.filters.listener.tls_inspector', 'envoy.listener.tls_inspector'], tlsInspectorV3.TlsInspectorSchema)),
    http: enabled.some((f) => isExtension(f, ['envoy.filters.listener.http_inspector', 'envoy.listener.http_inspector'], httpInspectorV3.HttpInspectorSchema)),
  };
}
