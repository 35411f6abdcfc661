import type { XdsResource } from './snapshot.js';
import { covers, wantedNames, type Subscription } from './subscription.js';

/** The delta state of one type on one stream that decides what to send. */
export interface DeltaPlanInput {
  readonly sub: Subscription;
  /** name -> version the client holds (from initial_resource_versions and what was sent). */
  readonly clientHas: ReadonlyMap<string, string>;
  /** Names subscribed since the last response: answered even if unchanged, or as removed if absent. */
  readonly forced: ReadonlySet<string>;
  /** Respond even if nothing changed (first request of the type). */
  readonly force: boolean;
}

/** A delta response to send, and the `clientHas` map to keep afterwards. */
export interface DeltaPlan {
  readonly resources: readonly XdsResource[];
  readonly removed: readonly string[];
  readonly clientHas: ReadonlyMap<string, string>;
}

/**
 * Returns what to send for one type, or undefined when nothing should be sent: covered resources
 * the client does not hold at their current version (or that were just subscribed), and in
 * `removed` the names the client holds that no longer exist plus just-subscribed names that do not
 * exist. A type absent from the snapshot gets an empty response, only if forced.
 * See https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol#incremental-xds
 */
export function planDeltaResponse(
  input: DeltaPlanInput,
  available: ReadonlyMap<string, XdsResource> | undefined,
): DeltaPlan | undefined {
  if (!available) return input.force ? { resources: [], removed: [], clientHas: input.clientHas } : undefined;
  const resources = wantedNames(input.sub, available)
    .flatMap((n) => available.get(n) ?? [])
    .filter((r) => input.forced.has(r.name) || input.clientHas.get(r.name) !== r.version);
  const removed = new Set([...input.clientHas.keys()].filter((n) => !available.has(n)));
  for (const name of input.forced) if (!available.has(name)) removed.add(name);
  if (resources.length === 0 && removed.size === 0 && !input.force) return undefined;
  const clientHas = new Map([...input.clientHas].filter(([n]) => !removed.has(n) && covers(input.sub, n)));
  for (const r of resources) clientHas.set(r.name, r.version);
  return { resources, removed: [...removed].sort(), clientHas };
}
