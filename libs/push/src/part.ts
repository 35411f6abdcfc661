import type { Message } from '@bufbuild/protobuf';
import { completeReferences, generatePart, XDS_TYPES, type EnvoyResources, type Proxy, type PushContext, type ResourceKind, type ResourceMemo, type ResourcePart } from '@minipilot/translation';
import { acceptResources, type Accepted } from './accept.js';
import { createTypePart, type TypePart } from './type-part.js';

/** What a {@link Part} reports while it is generated. */
export interface PartHooks {
  /** After a part was (re)generated: which kinds were regenerated and how long it took. */
  onGenerated?(part: Part, kinds: readonly ResourceKind[], ms: number): void;
  /** Called when the acceptance check withheld resources of a part (each distinct outcome once). */
  onWithheld?(proxy: Proxy, accepted: Accepted): void;
  /** Translation warnings of newly built resources (cached resources do not repeat theirs). */
  onWarnings?(proxy: Proxy, warnings: readonly string[]): void;
  /** Test-only fault injection on a scope part's generated resources. */
  transform?(proxy: Proxy, res: EnvoyResources): EnvoyResources;
}

/**
 * One shared part of proxies' config (see `ResourcePart`): the resources of every xDS type for all
 * proxies with the same scope (or workload) key, generated for a representative proxy of the key.
 * Kinds are regenerated only when a config change touched what they depend on.
 */
export interface Part {
  readonly key: string;
  readonly part: ResourcePart;
  /** A proxy with this key (labels merged); any member generates the same resources. */
  rep: Proxy;
  /** The push the part was last generated for. */
  push: PushContext | undefined;
  /** Kinds to regenerate at the next generation. */
  readonly dirty: Set<ResourceKind>;
  /** Per type URL, the current accepted and encoded resources. */
  readonly types: Map<string, TypePart>;
  /** What the generators returned per kind last time, before completion and acceptance. */
  readonly generated: Map<ResourceKind, readonly Message[]>;
  /** Number of streams using the part. */
  members: number;
  lastOutcome: string;
}

/** A new part, every kind dirty. */
export function createPart(key: string, part: ResourcePart, rep: Proxy): Part {
  return { key, part, rep, push: undefined, dirty: new Set(XDS_TYPES.map((t) => t.kind)), types: new Map(), generated: new Map(), members: 0, lastOutcome: '' };
}

/**
 * Brings `part` up to `push`: regenerates its dirty kinds through `memo` (cache hits cost a lookup),
 * runs the Envoy acceptance check over the part (cached per message), and re-encodes only what
 * changed. Returns true if any type's resources changed (a new TypePart instance).
 */
export function generatePartFor(part: Part, push: PushContext, memo: ResourceMemo, hooks: PartHooks): boolean {
  const start = performance.now();
  const kinds = XDS_TYPES.filter((t) => part.dirty.has(t.kind) || !part.types.has(t.typeUrl)).map((t) => t.kind);
  const warnings: string[] = [];
  const current = (kind: ResourceKind): Message[] => [...(part.types.get(XDS_TYPES.find((t) => t.kind === kind)!.typeUrl)?.messages ?? [])];
  let generated = Object.fromEntries(XDS_TYPES.map((t) => [t.kind, []])) as unknown as EnvoyResources;
  let same = part.types.size > 0 && !hooks.transform;
  for (const t of XDS_TYPES) {
    let messages: readonly Message[];
    if (kinds.includes(t.kind)) {
      messages = generatePart(part.part, t.kind, part.rep, push, { warn: (m) => warnings.push(m), memo });
      const before = part.generated.get(t.kind);
      same &&= before !== undefined && before.length === messages.length && messages.every((m, i) => m === before[i]);
      part.generated.set(t.kind, messages);
    } else {
      messages = current(t.kind);
    }
    (generated as unknown as Record<ResourceKind, unknown[]>)[t.kind] = messages as unknown[];
  }
  if (same) {
    // Every regenerated kind came back as the same cached instances: nothing to check or encode.
    part.dirty.clear();
    part.push = push;
    hooks.onGenerated?.(part, kinds, performance.now() - start);
    return false;
  }
  if (part.part === 'scope') {
    generated = completeReferences(generated);
    if (hooks.transform) generated = hooks.transform(part.rep, generated);
  }
  const previous = Object.fromEntries(XDS_TYPES.map((t) => [t.kind, part.types.get(t.typeUrl)?.messages ?? []])) as unknown as EnvoyResources;
  const accepted = acceptResources(part.rep, generated, part.types.size > 0 ? previous : undefined);
  const outcome = accepted.violations.map((v) => `${v.typeUrl} ${v.resourceName} ${v.field} ${v.message}`).join('\n');
  if (outcome !== part.lastOutcome) {
    part.lastOutcome = outcome;
    if (accepted.violations.length > 0) hooks.onWithheld?.(part.rep, accepted);
  }
  if (warnings.length > 0) hooks.onWarnings?.(part.rep, [...new Set(warnings)]);
  let changed = false;
  for (const t of XDS_TYPES) {
    const before = part.types.get(t.typeUrl);
    const next = createTypePart(t, accepted.resources[t.kind], before);
    if (next !== before) {
      part.types.set(t.typeUrl, next);
      changed = true;
    }
  }
  part.dirty.clear();
  part.push = push;
  hooks.onGenerated?.(part, kinds, performance.now() - start);
  return changed;
}
