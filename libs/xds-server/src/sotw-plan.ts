import { isWildcardType } from '@minipilot/envoy-api';
import type { XdsResource } from './snapshot.js';
import { wantedNames, type Subscription } from './subscription.js';

/** The SotW state of one type on one stream that decides what to send. */
export interface SotwPlanInput {
  readonly sub: Subscription;
  /** name -> version of what this stream was last sent (what the client is believed to hold). */
  readonly sent: ReadonlyMap<string, string>;
  /** Respond even if nothing changed (first request of the type, or an LDS/CDS name-set change). */
  readonly force: boolean;
}

/** A SotW response to send: its resources and the `sent` map to keep afterwards. */
export interface SotwPlan {
  readonly resources: readonly XdsResource[];
  readonly sent: ReadonlyMap<string, string>;
}

/**
 * Returns what to send for one type, or undefined when nothing should be sent.
 * - LDS/CDS: the full subscribed set (all for wildcard), when it differs from what was sent.
 *   Omission means deletion on the client.
 * - other types: only subscribed resources that are new or changed since last sent.
 * - a type absent from the snapshot (`available` undefined): an empty response, only if forced.
 * See https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol#grouping-resources-into-responses
 */
export function planSotwResponse(
  typeUrl: string,
  input: SotwPlanInput,
  available: ReadonlyMap<string, XdsResource> | undefined,
): SotwPlan | undefined {
  if (!available) return input.force ? { resources: [], sent: new Map() } : undefined;
  const existing = wantedNames(input.sub, available).flatMap((n) => available.get(n) ?? []);
  const isNew = (r: XdsResource) => input.sent.get(r.name) !== r.version;
  // LDS/CDS: omission means deletion, so the response holds the whole set whenever it changes.
  const fullState = isWildcardType(typeUrl);
  const changed = fullState ? existing.length !== input.sent.size || existing.some(isNew) : existing.some(isNew);
  if (!changed && !input.force) return undefined;
  const sent = new Map(existing.map((r) => [r.name, r.version]));
  return { resources: fullState ? existing : existing.filter(isNew), sent };
}
