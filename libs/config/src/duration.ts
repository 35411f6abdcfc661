/** A duration split like google.protobuf.Duration. */
export interface ParsedDuration {
  readonly seconds: bigint;
  readonly nanos: number;
}

const UNIT_NANOS: Readonly<Record<string, number>> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
const GO_DURATION = /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/;

/**
 * Parses a duration in Go syntax (`1h30m`, `1.5s`, `500ms`, `0`), which also covers protobuf JSON
 * (`"10s"`, `"0.250s"`). Returns undefined for anything else.
 */
export function parseDuration(text: string): ParsedDuration | undefined {
  const s = text.trim();
  if (s === '0' || s === '+0' || s === '-0') return { seconds: 0n, nanos: 0 };
  if (!GO_DURATION.test(s)) return undefined;
  const negative = s.startsWith('-');
  let totalNanos = 0n;
  for (const m of s.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    const [whole = '0', frac = ''] = m[1]!.split('.');
    const unit = BigInt(UNIT_NANOS[m[2]!]!);
    totalNanos += BigInt(whole || '0') * unit;
    if (frac) totalNanos += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
  }
  if (negative) totalNanos = -totalNanos;
  return { seconds: totalNanos / 1_000_000_000n, nanos: Number(totalNanos % 1_000_000_000n) };
}

/** Total milliseconds of a parsed duration (rounded toward zero). */
export function durationToMillis(d: ParsedDuration): number {
  return Number(d.seconds) * 1000 + Math.trunc(d.nanos / 1e6);
}

/** True if `text` is a duration {@link parseDuration} accepts. */
export function isDuration(text: string): boolean {
  return parseDuration(text) !== undefined;
}
