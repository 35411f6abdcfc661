import { fromJson, isFieldSet, ScalarType, type DescField, type DescMessage, type JsonValue, type Message } from '@bufbuild/protobuf';
import { anyUnpack, type Any, type Duration, type Timestamp } from '@bufbuild/protobuf/wkt';
import { envoyRegistry, validate } from '@minipilot/envoy-api';
import { checkBool, checkBytes, checkEnum, checkNumber, checkString, setRules, type RuleProblem } from './pgv-scalars.js';
import { checkDuration, checkTimestamp } from './pgv-time.js';
import { rulesOf, isDisabled, isRequiredOneof } from './pgv-options.js';
import type { FieldProblem } from './types.js';

/** A message met during a walk and where it sits (`filter_chains[0].filters[0].typed_config`). */
export interface WalkVisit {
  readonly message: Message;
  readonly path: string;
}

/** Options for {@link walkMessage}. */
export interface WalkOptions {
  /** Whether `istio.*` TypedStruct filters are acceptable (istio-proxy); default true. */
  readonly istioProxy?: boolean;
  /** The clock for timestamp rules relative to now. */
  readonly now?: Date;
  /** Message type names whose occurrences (including inside `Any`) the walk should collect. */
  readonly collect?: ReadonlySet<string>;
}

/** What a walk found: rule violations by field path, and the collected messages by type name. */
export interface WalkResult {
  readonly problems: FieldProblem[];
  readonly visits: Map<string, WalkVisit[]>;
}

interface Ctx {
  readonly problems: FieldProblem[];
  readonly visits: Map<string, WalkVisit[]>;
  readonly istioProxy: boolean;
  readonly now: Date;
  readonly collect: ReadonlySet<string>;
  /** False when the caller fixed `now` (results may then depend on the clock): no subtree cache. */
  readonly cacheable: boolean;
}

/**
 * Message types whose walks are cached per instance: a route configuration shared through the push
 * pipeline's cache is rebuilt from cached virtual hosts when one of them changes, so only the new
 * host is walked. A subtree's result depends on nothing outside it but the walk options.
 */
const SUBTREE_CACHED: ReadonlySet<string> = new Set(['envoy.config.route.v3.VirtualHost']);
const subtrees = new WeakMap<Message, Map<string, { problems: FieldProblem[]; visits: Map<string, WalkVisit[]> }>>();

const WRAPPERS = new Set(['Double', 'Float', 'Int64', 'UInt64', 'Int32', 'UInt32', 'Bool', 'String', 'Bytes'].map((t) => `google.protobuf.${t}Value`));
const JSON_TYPES = new Set(['google.protobuf.Struct', 'google.protobuf.Value', 'google.protobuf.ListValue']);
const TYPED_STRUCTS = new Set(['udpa.type.v1.TypedStruct', 'xds.type.v3.TypedStruct']);
const NUMERIC_RULES = new Set(['float', 'double', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64']);

/**
 * Walks a message and everything in it (repeated fields, maps, oneofs, unboxed wrappers, and the
 * messages packed in `google.protobuf.Any`, unpacked with `envoyRegistry`), evaluating the
 * protoc-gen-validate rules read from the descriptors' `validate.rules`, `validate.required` and
 * `validate.disabled` options. Returns every violation with its field path, and the messages of
 * the `collect` types it met.
 */
export function walkMessage(desc: DescMessage, msg: Message, options: WalkOptions = {}): WalkResult {
  const ctx: Ctx = { problems: [], visits: new Map(), istioProxy: options.istioProxy ?? true, now: options.now ?? new Date(), collect: options.collect ?? new Set(), cacheable: options.now === undefined };
  walk(desc, msg, '', ctx);
  return { problems: ctx.problems, visits: ctx.visits };
}

/** Returns the protoc-gen-validate violations of one message (recursively), as Envoy would report them. */
export function validateEnvoyMessage(desc: DescMessage, msg: Message, options: Omit<WalkOptions, 'collect'> = {}): FieldProblem[] {
  return walkMessage(desc, msg, options).problems;
}

/** Appends a field name to a field path (`a.b` + `c` → `a.b.c`; the root path is empty). */
export function joinPath(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/** The collected visits of one message type from a walk, typed as that message. */
export function visitsOf<T>(visits: ReadonlyMap<string, readonly WalkVisit[]>, typeName: string): { message: T; path: string }[] {
  return (visits.get(typeName) ?? []) as { message: T; path: string }[];
}

function report(ctx: Ctx, field: string, problems: readonly RuleProblem[]): void {
  for (const p of problems) ctx.problems.push({ field, rule: p.rule, message: p.message });
}

function walk(desc: DescMessage, msg: Message, path: string, ctx: Ctx): void {
  if (ctx.cacheable && SUBTREE_CACHED.has(desc.typeName)) {
    const key = `${ctx.istioProxy}|${[...ctx.collect].join(',')}`;
    let byOptions = subtrees.get(msg);
    if (!byOptions) subtrees.set(msg, (byOptions = new Map()));
    let sub = byOptions.get(key);
    if (!sub) {
      const inner: Ctx = { ...ctx, problems: [], visits: new Map() };
      walkFields(desc, msg, '', inner);
      sub = { problems: inner.problems, visits: inner.visits };
      byOptions.set(key, sub);
    }
    for (const p of sub.problems) ctx.problems.push({ ...p, field: p.field ? joinPath(path, p.field) : path });
    for (const [type, list] of sub.visits) {
      const into = ctx.visits.get(type) ?? [];
      for (const v of list) into.push({ message: v.message, path: v.path ? joinPath(path, v.path) : path });
      ctx.visits.set(type, into);
    }
    return;
  }
  walkFields(desc, msg, path, ctx);
}

function walkFields(desc: DescMessage, msg: Message, path: string, ctx: Ctx): void {
  if (ctx.collect.has(desc.typeName)) {
    const list = ctx.visits.get(desc.typeName) ?? [];
    list.push({ message: msg, path });
    ctx.visits.set(desc.typeName, list);
  }
  if (isDisabled(desc)) return;
  const m = msg as unknown as Record<string, unknown>;
  for (const oneof of desc.oneofs) {
    if (isRequiredOneof(oneof) && (m[oneof.localName] as { case: unknown }).case === undefined) {
      report(ctx, joinPath(path, oneof.name), [{ rule: 'oneof.required', message: `one of ${oneof.fields.map((f) => f.name).join(', ')} must be set` }]);
    }
  }
  const owner = typeof m['name'] === 'string' ? (m['name'] as string) : undefined;
  for (const field of desc.fields) {
    let value: unknown;
    if (field.oneof) {
      const o = m[field.oneof.localName] as { case: string | undefined; value: unknown };
      if (o.case !== field.localName) continue;
      value = o.value;
    } else {
      value = m[field.localName];
    }
    const rules = rulesOf(field);
    const fpath = joinPath(path, field.name);
    switch (field.fieldKind) {
      case 'scalar':
      case 'enum':
        if (!field.oneof && field.proto.proto3Optional && !isFieldSet(msg, field)) continue;
        if (rules) report(ctx, fpath, field.fieldKind === 'enum' ? enumProblems(field, value as number, rules) : scalarProblems(field.scalar, value, rules));
        break;
      case 'message':
        checkSingular(field, value, rules, fpath, owner, ctx);
        break;
      case 'list':
        checkList(field, value as unknown[], rules, fpath, owner, ctx);
        break;
      case 'map':
        checkMap(field, value as Record<string, unknown>, rules, fpath, ctx);
        break;
    }
  }
}

function enumProblems(field: DescField, v: number, rules: validate.FieldRules): RuleProblem[] {
  return rules.type.case === 'enum' && field.enum ? checkEnum(field.enum, v, rules.type.value) : [];
}

function scalarProblems(scalar: ScalarType | undefined, v: unknown, rules: validate.FieldRules | undefined): RuleProblem[] {
  if (!rules || v === undefined) return [];
  const t = rules.type;
  if (t.case === 'string' && typeof v === 'string') return checkString(v, t.value);
  if (t.case === 'bytes' && v instanceof Uint8Array) return checkBytes(v, t.value);
  if (t.case === 'bool' && typeof v === 'boolean') return checkBool(v, t.value);
  if (t.case !== undefined && NUMERIC_RULES.has(t.case) && (typeof v === 'number' || typeof v === 'bigint')) {
    return checkNumber(t.case, scalar === ScalarType.STRING ? BigInt(v) : v, t.value as Message);
  }
  return [];
}

function requiredRule(rules: validate.FieldRules | undefined): string | undefined {
  if (rules?.message?.required) return 'message.required';
  const t = rules?.type;
  if ((t?.case === 'any' || t?.case === 'duration' || t?.case === 'timestamp') && t.value.required) return `${t.case}.required`;
  return undefined;
}

function checkSingular(field: DescField, value: unknown, rules: validate.FieldRules | undefined, path: string, owner: string | undefined, ctx: Ctx): void {
  const desc = field.message!;
  if (value === undefined) {
    const rule = requiredRule(rules);
    if (rule) report(ctx, path, [{ rule, message: `${field.name} is required` }]);
    return;
  }
  if (WRAPPERS.has(desc.typeName)) {
    report(ctx, path, scalarProblems(desc.fields[0]!.scalar, value, rules));
    return;
  }
  checkMessageValue(desc, value, rules, path, owner, ctx);
}

/** A set message value (singular, list item or map value): well-known types by their rules, others walked. */
function checkMessageValue(desc: DescMessage, value: unknown, rules: validate.FieldRules | undefined, path: string, owner: string | undefined, ctx: Ctx): void {
  if (rules?.message?.skip) return;
  const t = rules?.type;
  if (JSON_TYPES.has(desc.typeName)) return;
  if (WRAPPERS.has(desc.typeName)) {
    report(ctx, path, scalarProblems(desc.fields[0]!.scalar, (value as { value: unknown }).value, rules));
    return;
  }
  if (desc.typeName === 'google.protobuf.Duration') {
    report(ctx, path, checkDuration(value as Duration, t?.case === 'duration' ? t.value : undefined));
    return;
  }
  if (desc.typeName === 'google.protobuf.Timestamp') {
    report(ctx, path, checkTimestamp(value as Timestamp, t?.case === 'timestamp' ? t.value : undefined, ctx.now));
    return;
  }
  if (desc.typeName === 'google.protobuf.Any') {
    const any = value as Any;
    if (t?.case === 'any') {
      const r = setRules(t.value);
      const ins = (r.get('in') as string[] | undefined) ?? [];
      if (ins.length > 0 && !ins.includes(any.typeUrl)) report(ctx, path, [{ rule: 'any.in', message: `type ${any.typeUrl} must be one of ${ins.join(', ')}` }]);
      if (((r.get('not_in') as string[] | undefined) ?? []).includes(any.typeUrl)) report(ctx, path, [{ rule: 'any.not_in', message: `type ${any.typeUrl} is not allowed here` }]);
    }
    walkAny(any, path, owner, ctx);
    return;
  }
  walk(desc, value as Message, path, ctx);
}

function checkList(field: DescField & { fieldKind: 'list' }, items: unknown[], rules: validate.FieldRules | undefined, path: string, owner: string | undefined, ctx: Ctx): void {
  let itemRules: validate.FieldRules | undefined;
  if (rules?.type.case === 'repeated') {
    const rr = rules.type.value;
    const r = setRules(rr);
    itemRules = rr.items;
    const min = r.get('min_items') as bigint | undefined;
    const max = r.get('max_items') as bigint | undefined;
    if (min !== undefined && items.length < Number(min)) report(ctx, path, [{ rule: 'repeated.min_items', message: `has ${items.length} items, must have at least ${min}` }]);
    if (max !== undefined && items.length > Number(max)) report(ctx, path, [{ rule: 'repeated.max_items', message: `has ${items.length} items, must have at most ${max}` }]);
    if (rr.unique && field.listKind !== 'message') {
      const seen = new Set<string>();
      items.forEach((it, i) => {
        const k = it instanceof Uint8Array ? Array.from(it).join(',') : String(it);
        if (seen.has(k)) report(ctx, `${path}[${i}]`, [{ rule: 'repeated.unique', message: `duplicate item ${JSON.stringify(k)}` }]);
        seen.add(k);
      });
    }
  }
  items.forEach((it, i) => {
    const ipath = `${path}[${i}]`;
    if (field.listKind === 'message') checkMessageValue(field.message!, it, itemRules, ipath, owner, ctx);
    else if (field.listKind === 'enum') report(ctx, ipath, itemRules ? enumProblems(field, it as number, itemRules) : []);
    else report(ctx, ipath, scalarProblems(field.scalar, it, itemRules));
  });
}

function checkMap(field: DescField & { fieldKind: 'map' }, map: Record<string, unknown>, rules: validate.FieldRules | undefined, path: string, ctx: Ctx): void {
  const keys = Object.keys(map);
  let keyRules: validate.FieldRules | undefined;
  let valueRules: validate.FieldRules | undefined;
  if (rules?.type.case === 'map') {
    const r = setRules(rules.type.value);
    keyRules = rules.type.value.keys;
    valueRules = rules.type.value.values;
    const min = r.get('min_pairs') as bigint | undefined;
    const max = r.get('max_pairs') as bigint | undefined;
    if (min !== undefined && keys.length < Number(min)) report(ctx, path, [{ rule: 'map.min_pairs', message: `has ${keys.length} entries, must have at least ${min}` }]);
    if (max !== undefined && keys.length > Number(max)) report(ctx, path, [{ rule: 'map.max_pairs', message: `has ${keys.length} entries, must have at most ${max}` }]);
  }
  for (const key of keys) {
    const kpath = `${path}[${JSON.stringify(key)}]`;
    report(ctx, kpath, scalarProblems(field.mapKey, mapKey(field.mapKey, key), keyRules));
    const v = map[key];
    if (field.mapKind === 'message') checkMessageValue(field.message, v, valueRules, kpath, key, ctx);
    else if (field.mapKind === 'enum') report(ctx, kpath, valueRules?.type.case === 'enum' ? checkEnum(field.enum, v as number, valueRules.type.value) : []);
    else report(ctx, kpath, scalarProblems(field.scalar, v, valueRules));
  }
}

function mapKey(t: ScalarType, key: string): unknown {
  if (t === ScalarType.STRING) return key;
  if (t === ScalarType.BOOL) return key === 'true';
  if (t === ScalarType.INT64 || t === ScalarType.UINT64 || t === ScalarType.SINT64 || t === ScalarType.FIXED64 || t === ScalarType.SFIXED64) return BigInt(key);
  return Number(key);
}

/**
 * Unpacks an Any with `envoyRegistry` and walks the inner message. Unknown types are violations,
 * except TypedStruct-wrapped `istio.*` filters for istio-proxy; a TypedStruct naming a known type is
 * converted from its JSON and validated like the type itself (as Envoy does).
 */
function walkAny(any: Any, path: string, owner: string | undefined, ctx: Ctx): void {
  const typeName = any.typeUrl.slice(any.typeUrl.lastIndexOf('/') + 1);
  const desc = typeName ? envoyRegistry.getMessage(typeName) : undefined;
  if (!desc) {
    report(ctx, path, [{ rule: 'envoy.unknown_type', message: `unknown typed_config type ${JSON.stringify(any.typeUrl)}` }]);
    return;
  }
  let inner: Message | undefined;
  try {
    inner = anyUnpack(any, envoyRegistry);
  } catch (e) {
    report(ctx, path, [{ rule: 'envoy.any_decode', message: `cannot decode ${typeName}: ${(e as Error).message}` }]);
    return;
  }
  walk(desc, inner!, path, ctx);
  if (TYPED_STRUCTS.has(desc.typeName)) walkTypedStruct(inner as Message & { typeUrl: string; value?: JsonValue }, path, owner, ctx);
}

function walkTypedStruct(ts: { typeUrl: string; value?: JsonValue }, path: string, owner: string | undefined, ctx: Ctx): void {
  const typeName = ts.typeUrl.slice(ts.typeUrl.lastIndexOf('/') + 1);
  const desc = typeName ? envoyRegistry.getMessage(typeName) : undefined;
  if (!desc) {
    if (owner?.startsWith('istio.')) {
      if (!ctx.istioProxy) report(ctx, path, [{ rule: 'envoy.istio_only', message: `${owner} (${ts.typeUrl}) exists only in istio-proxy` }]);
      return;
    }
    report(ctx, path, [{ rule: 'envoy.unknown_type', message: `unknown typed_config type ${JSON.stringify(ts.typeUrl)} in a TypedStruct` }]);
    return;
  }
  let inner: Message;
  try {
    inner = fromJson(desc, ts.value ?? {}, { registry: envoyRegistry });
  } catch (e) {
    report(ctx, path, [{ rule: 'envoy.typed_struct', message: `TypedStruct value is not a valid ${typeName}: ${(e as Error).message}` }]);
    return;
  }
  walk(desc, inner, path, ctx);
}
