import { isFieldSet, type DescEnum, type DescMessage, type Message } from '@bufbuild/protobuf';
import { validate } from '@minipilot/envoy-api';
import { headerRegex, isEmail, isHostname, isIpv4, isIpv6, isUri, isUriRef, isUuid } from './well-known.js';

/** A rule a value breaks: `rule` is `kind.name` as PGV spells it (`string.min_len`). */
export interface RuleProblem {
  readonly rule: string;
  readonly message: string;
}

const setRulesCache = new WeakMap<Message, Map<string, unknown>>();

/**
 * The rule fields a PGV rules message sets (proto2 presence), keyed by proto field name. Rules come
 * from descriptors and never change, so each message's answer is computed once.
 */
export function setRules(rules: Message): Map<string, unknown> {
  const cached = setRulesCache.get(rules);
  if (cached) return cached;
  const out = computeSetRules(rules);
  setRulesCache.set(rules, out);
  return out;
}

function computeSetRules(rules: Message): Map<string, unknown> {
  const desc = rulesSchema(rules.$typeName);
  const out = new Map<string, unknown>();
  for (const f of desc.fields) {
    if (!isFieldSet(rules, f)) continue;
    const v = f.oneof ? (rules as unknown as Record<string, { value: unknown }>)[f.oneof.localName]!.value : (rules as unknown as Record<string, unknown>)[f.localName];
    out.set(f.name, v);
  }
  return out;
}

function rulesSchema(typeName: string): DescMessage {
  for (const f of validate.FieldRulesSchema.fields) if (f.message?.typeName === typeName) return f.message;
  throw new Error(`not a PGV rules message: ${typeName}`);
}

/** Compares numbers, bigints or a mix of the two (JS orders them correctly across types). */
export function compare(a: number | bigint, b: number | bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Checks const, lt/lte/gt/gte (a range whose lower bound exceeds its upper bound is exclusive, as
 * PGV defines it), in and not_in over any ordered value; `show` prints values in messages.
 */
export function checkOrdered<T>(kind: string, v: T, r: Map<string, T | T[]>, cmp: (a: T, b: T) => number, show: (t: T) => string): RuleProblem[] {
  const out: RuleProblem[] = [];
  const one = (k: string) => r.get(k) as T | undefined;
  const c = one('const');
  if (c !== undefined && cmp(v, c) !== 0) out.push({ rule: `${kind}.const`, message: `value ${show(v)} must equal ${show(c)}` });
  const lowName = r.has('gt') ? 'gt' : r.has('gte') ? 'gte' : undefined;
  const highName = r.has('lt') ? 'lt' : r.has('lte') ? 'lte' : undefined;
  const low = lowName ? one(lowName)! : undefined;
  const high = highName ? one(highName)! : undefined;
  const aboveLow = low === undefined || (lowName === 'gt' ? cmp(v, low) > 0 : cmp(v, low) >= 0);
  const belowHigh = high === undefined || (highName === 'lt' ? cmp(v, high) < 0 : cmp(v, high) <= 0);
  if (low !== undefined && high !== undefined && cmp(high, low) <= 0) {
    if (!aboveLow && !belowHigh) out.push({ rule: `${kind}.${lowName}_${highName}`, message: `value ${show(v)} must be outside the range (${show(high)}, ${show(low)})` });
  } else if (!aboveLow) {
    out.push({ rule: `${kind}.${lowName}`, message: `value ${show(v)} must be ${lowName === 'gt' ? 'greater than' : 'at least'} ${show(low!)}` });
  } else if (!belowHigh) {
    out.push({ rule: `${kind}.${highName}`, message: `value ${show(v)} must be ${highName === 'lt' ? 'less than' : 'at most'} ${show(high!)}` });
  }
  const list = (k: string) => (r.get(k) as T[] | undefined) ?? [];
  const ins = list('in');
  if (ins.length > 0 && !ins.some((x) => cmp(v, x) === 0)) out.push({ rule: `${kind}.in`, message: `value ${show(v)} must be one of [${ins.map(show).join(', ')}]` });
  if (list('not_in').some((x) => cmp(v, x) === 0)) out.push({ rule: `${kind}.not_in`, message: `value ${show(v)} must not be one of [${list('not_in').map(show).join(', ')}]` });
  return out;
}

/** Checks a number or bigint against numeric rules (`uint32`, `int64`, `double`, ...). */
export function checkNumber(kind: string, v: number | bigint, rules: Message): RuleProblem[] {
  return checkOrdered(kind, v, setRules(rules) as Map<string, number | bigint>, compare, String);
}

/** Checks a bool against `bool.const`. */
export function checkBool(v: boolean, rules: validate.BoolRules): RuleProblem[] {
  const r = setRules(rules);
  return r.has('const') && r.get('const') !== v ? [{ rule: 'bool.const', message: `value must be ${String(r.get('const'))}` }] : [];
}

/** Checks an enum number against `enum` rules (const, defined_only, in, not_in). */
export function checkEnum(desc: DescEnum, v: number, rules: validate.EnumRules): RuleProblem[] {
  const r = setRules(rules);
  const out = checkOrdered('enum', v, new Map([...r].filter(([k]) => k !== 'defined_only')) as Map<string, number>, compare, String);
  if (r.get('defined_only') === true && !desc.values.some((e) => e.number === v)) {
    out.push({ rule: 'enum.defined_only', message: `value ${v} is not a defined ${desc.typeName} value` });
  }
  return out;
}

const utf8 = new TextEncoder();
const regexCache = new Map<string, RegExp>();

/** Compiles a PGV (RE2) pattern as a JS RegExp; Envoy's patterns use only the syntax both share. */
function regex(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    re = new RegExp(pattern, 'u');
    regexCache.set(pattern, re);
  }
  return re;
}

/** Checks a string against `string` rules, including the well-known formats; `ignore_empty` skips "". */
export function checkString(v: string, rules: validate.StringRules): RuleProblem[] {
  const r = setRules(rules);
  if (v === '' && r.get('ignore_empty') === true) return [];
  const out: RuleProblem[] = [];
  const bad = (name: string, message: string) => out.push({ rule: `string.${name}`, message });
  const quoted = JSON.stringify(v);
  const q = quoted;
  const needsChars = r.has('len') || r.has('min_len') || r.has('max_len');
  const needsBytes = r.has('len_bytes') || r.has('min_bytes') || r.has('max_bytes');
  const chars = needsChars ? [...v].length : 0;
  const bytes = needsBytes ? utf8.encode(v).length : 0;
  const num = (k: string) => (r.has(k) ? Number(r.get(k) as bigint) : undefined);
  if (r.has('const') && v !== r.get('const')) bad('const', `value ${q} must equal ${JSON.stringify(r.get('const'))}`);
  const lens: [string, number, (n: number, lim: number) => boolean, string][] = [
    ['len', chars, (n, l) => n === l, 'characters, must be exactly'], ['min_len', chars, (n, l) => n >= l, 'characters, must be at least'],
    ['max_len', chars, (n, l) => n <= l, 'characters, must be at most'], ['len_bytes', bytes, (n, l) => n === l, 'bytes, must be exactly'],
    ['min_bytes', bytes, (n, l) => n >= l, 'bytes, must be at least'], ['max_bytes', bytes, (n, l) => n <= l, 'bytes, must be at most'],
  ];
  for (const [name, n, ok, what] of lens) {
    const lim = num(name);
    if (lim !== undefined && !ok(n, lim)) bad(name, `value ${q} has ${n} ${what} ${lim}`);
  }
  const s = (k: string) => r.get(k) as string | undefined;
  if (s('pattern') !== undefined && !regex(s('pattern')!).test(v)) bad('pattern', `value ${q} does not match ${s('pattern')}`);
  if (s('prefix') !== undefined && !v.startsWith(s('prefix')!)) bad('prefix', `value ${q} must start with ${JSON.stringify(s('prefix'))}`);
  if (s('suffix') !== undefined && !v.endsWith(s('suffix')!)) bad('suffix', `value ${q} must end with ${JSON.stringify(s('suffix'))}`);
  if (s('contains') !== undefined && !v.includes(s('contains')!)) bad('contains', `value ${q} must contain ${JSON.stringify(s('contains'))}`);
  if (s('not_contains') !== undefined && v.includes(s('not_contains')!)) bad('not_contains', `value ${q} must not contain ${JSON.stringify(s('not_contains'))}`);
  const ins = (r.get('in') as string[] | undefined) ?? [];
  if (ins.length > 0 && !ins.includes(v)) bad('in', `value ${q} must be one of ${JSON.stringify(ins)}`);
  const notIn = (r.get('not_in') as string[] | undefined) ?? [];
  if (notIn.includes(v)) bad('not_in', `value ${q} must not be one of ${JSON.stringify(notIn)}`);
  const wk = rules.wellKnown;
  const formats: Record<string, (x: string) => boolean> = {
    email: isEmail, hostname: isHostname, ip: (x) => isIpv4(x) || isIpv6(x), ipv4: isIpv4, ipv6: isIpv6,
    uri: isUri, uriRef: isUriRef, address: (x) => isHostname(x) || isIpv4(x) || isIpv6(x), uuid: isUuid,
  };
  if (wk.case === 'wellKnownRegex') {
    const re = headerRegex(wk.value, rules.strict);
    if (re && !re.test(v)) bad('well_known_regex', `value ${q} is not a valid HTTP header ${wk.value === 1 ? 'name' : 'value'}`);
  } else if (wk.case !== undefined && wk.value === true && !formats[wk.case]!(v)) {
    bad(snake(wk.case), `value ${q} is not a valid ${snake(wk.case)}`);
  }
  return out;
}

/** Checks bytes against `bytes` rules. */
export function checkBytes(v: Uint8Array, rules: validate.BytesRules): RuleProblem[] {
  const r = setRules(rules);
  const out: RuleProblem[] = [];
  const bad = (name: string, message: string) => out.push({ rule: `bytes.${name}`, message });
  const num = (k: string) => (r.has(k) ? Number(r.get(k) as bigint) : undefined);
  const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  const eq = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
  const contains = (needle: Uint8Array) => v.some((_, i) => eq(v.subarray(i, i + needle.length), needle)) || needle.length === 0;
  const b = (k: string) => r.get(k) as Uint8Array | undefined;
  if (b('const') && !eq(v, b('const')!)) bad('const', `value ${hex(v)} must equal ${hex(b('const')!)}`);
  if (num('len') !== undefined && v.length !== num('len')) bad('len', `value has ${v.length} bytes, must be exactly ${num('len')}`);
  if (num('min_len') !== undefined && v.length < num('min_len')!) bad('min_len', `value has ${v.length} bytes, must be at least ${num('min_len')}`);
  if (num('max_len') !== undefined && v.length > num('max_len')!) bad('max_len', `value has ${v.length} bytes, must be at most ${num('max_len')}`);
  if (r.has('pattern') && !regex(r.get('pattern') as string).test(new TextDecoder().decode(v))) bad('pattern', `value does not match ${String(r.get('pattern'))}`);
  if (b('prefix') && !eq(v.subarray(0, b('prefix')!.length), b('prefix')!)) bad('prefix', `value must start with ${hex(b('prefix')!)}`);
  if (b('suffix') && !eq(v.subarray(Math.max(0, v.length - b('suffix')!.length)), b('suffix')!)) bad('suffix', `value must end with ${hex(b('suffix')!)}`);
  if (b('contains') && !contains(b('contains')!)) bad('contains', `value must contain ${hex(b('contains')!)}`);
  const ins = (r.get('in') as Uint8Array[] | undefined) ?? [];
  if (ins.length > 0 && !ins.some((x) => eq(v, x))) bad('in', `value ${hex(v)} is not an allowed value`);
  if (((r.get('not_in') as Uint8Array[] | undefined) ?? []).some((x) => eq(v, x))) bad('not_in', `value ${hex(v)} is a forbidden value`);
  const wk = rules.wellKnown;
  const sizes: Record<string, number[]> = { ip: [4, 16], ipv4: [4], ipv6: [16] };
  if (wk.case !== undefined && wk.value && !sizes[wk.case]!.includes(v.length)) bad(wk.case, `value has ${v.length} bytes, not a ${wk.case} address`);
  return out;
}

function snake(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
