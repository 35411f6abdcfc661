import type { Duration, Timestamp } from '@bufbuild/protobuf/wkt';
import type { validate } from '@minipilot/envoy-api';
import { checkOrdered, compare, setRules, type RuleProblem } from './pgv-scalars.js';

const NANOS = 1_000_000_000n;
const MAX_SECONDS = 315_576_000_000n;

/** A Duration or Timestamp as whole nanoseconds. */
export function nanosOf(d: { seconds: bigint; nanos: number }): bigint {
  return d.seconds * NANOS + BigInt(d.nanos);
}

function show(n: bigint): string {
  const neg = n < 0n;
  const a = neg ? -n : n;
  const frac = a % NANOS;
  return `${neg ? '-' : ''}${a / NANOS}${frac ? `.${frac.toString().padStart(9, '0').replace(/0+$/, '')}` : ''}s`;
}

function asNanos(r: Map<string, unknown>): Map<string, bigint | bigint[]> {
  const out = new Map<string, bigint | bigint[]>();
  for (const [k, v] of r) {
    if (Array.isArray(v)) out.set(k, v.map((d: Duration) => nanosOf(d)));
    else if (v && typeof v === 'object' && 'seconds' in v) out.set(k, nanosOf(v as Duration));
  }
  return out;
}

/** Checks a set Duration: well-formed (as PGV's runtime requires), then const/lt/lte/gt/gte/in/not_in. */
export function checkDuration(d: Duration, rules: validate.DurationRules | undefined): RuleProblem[] {
  const sameSign = d.seconds === 0n || d.nanos === 0 || (d.seconds > 0n) === (d.nanos > 0);
  if (d.seconds > MAX_SECONDS || d.seconds < -MAX_SECONDS || Math.abs(d.nanos) >= 1e9 || !sameSign) {
    return [{ rule: 'duration.valid', message: `${d.seconds}s ${d.nanos}ns is not a valid duration` }];
  }
  if (!rules) return [];
  return checkOrdered('duration', nanosOf(d), asNanos(setRules(rules)) as Map<string, bigint>, compare, show);
}

/** Checks a set Timestamp: const/lt/lte/gt/gte, and lt_now/gt_now/within against `now`. */
export function checkTimestamp(t: Timestamp, rules: validate.TimestampRules | undefined, now: Date): RuleProblem[] {
  if (!rules) return [];
  const r = setRules(rules);
  const v = nanosOf(t);
  const out = checkOrdered('timestamp', v, asNanos(r) as Map<string, bigint>, compare, show);
  const nowNanos = BigInt(now.getTime()) * 1_000_000n;
  if (r.get('lt_now') === true && v >= nowNanos) out.push({ rule: 'timestamp.lt_now', message: 'value must be in the past' });
  if (r.get('gt_now') === true && v <= nowNanos) out.push({ rule: 'timestamp.gt_now', message: 'value must be in the future' });
  const within = r.get('within') as Duration | undefined;
  if (within) {
    const diff = v > nowNanos ? v - nowNanos : nowNanos - v;
    if (diff > nanosOf(within)) out.push({ rule: 'timestamp.within', message: `value must be within ${show(nanosOf(within))} of now` });
  }
  return out;
}
