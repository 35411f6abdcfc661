import { isWildcardType } from '@minipilot/envoy-api';

/**
 * What one stream subscribed to for one type URL.
 * See https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol#how-the-client-specifies-what-resources-to-return
 */
export interface Subscription {
  /** True when the stream receives every resource of the type (LDS/CDS only). */
  readonly wildcard: boolean;
  /** Explicitly named resources (never contains `*`). */
  readonly names: ReadonlySet<string>;
  /** True once a non-empty name list was sent for the type on this stream (ends legacy wildcard). */
  readonly named: boolean;
}

const WILDCARD = '*';

/**
 * Returns the subscription after a SotW request naming `names`: `*` is explicit wildcard; an empty
 * list is legacy wildcard only for LDS/CDS and only while no non-empty list was ever sent, and
 * otherwise means "none". RDS/EDS are never wildcard.
 */
export function applySotwNames(prev: Subscription | undefined, typeUrl: string, names: readonly string[]): Subscription {
  const named = (prev?.named ?? false) || names.length > 0;
  const explicit = new Set(names.filter((n) => n !== WILDCARD));
  if (!isWildcardType(typeUrl)) return { wildcard: false, names: explicit, named };
  const legacy = names.length === 0 && !(prev?.named ?? false);
  return { wildcard: legacy || names.includes(WILDCARD), names: explicit, named };
}

/**
 * Returns the subscription after a delta request: an empty subscribe list on the first request of
 * LDS/CDS is wildcard, `*` subscribes to and unsubscribes from wildcard explicitly.
 * See https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol#incremental-xds
 */
export function applyDeltaChange(
  prev: Subscription | undefined,
  typeUrl: string,
  subscribe: readonly string[],
  unsubscribe: readonly string[],
): Subscription {
  const wildcardType = isWildcardType(typeUrl);
  let wildcard = prev ? prev.wildcard : wildcardType && subscribe.length === 0;
  const names = new Set(prev?.names ?? []);
  for (const name of subscribe) {
    if (name !== WILDCARD) names.add(name);
    else if (wildcardType) wildcard = true;
  }
  for (const name of unsubscribe) {
    if (name !== WILDCARD) names.delete(name);
    else wildcard = false;
  }
  return { wildcard, names, named: (prev?.named ?? false) || subscribe.length > 0 };
}

/** Returns true if `sub` covers resource `name` (named explicitly or through wildcard). */
export function covers(sub: Subscription, name: string): boolean {
  return sub.wildcard || sub.names.has(name);
}

/** Returns the names of `next` that `prev` did not cover, sorted. */
export function addedNames(prev: Subscription, next: Subscription): string[] {
  return [...next.names].filter((n) => !covers(prev, n)).sort();
}

/** Returns the names `prev` named explicitly and `next` does not, sorted. */
export function removedNames(prev: Subscription, next: Subscription): string[] {
  return [...prev.names].filter((n) => !next.names.has(n)).sort();
}

/** Returns true if the two subscriptions differ in wildcard or in the explicit names. */
export function subscriptionChanged(prev: Subscription, next: Subscription): boolean {
  return prev.wildcard !== next.wildcard || prev.names.size !== next.names.size || [...next.names].some((n) => !prev.names.has(n));
}

/** Returns the sorted names `sub` wants out of `available` (all of them for wildcard, plus explicit names). */
export function wantedNames(sub: Subscription, available: ReadonlyMap<string, unknown>): string[] {
  if (!sub.wildcard) return [...sub.names].sort();
  return [...new Set([...available.keys(), ...sub.names])].sort();
}

/** Returns the subscription as shown in status: `*` for wildcard, else the sorted names. */
export function describeSubscription(sub: Subscription): readonly string[] | '*' {
  return sub.wildcard ? WILDCARD : [...sub.names].sort();
}
