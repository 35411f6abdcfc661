// RE2 regex checks: Envoy and Istio use RE2, which rejects look-around and backreferences that
// JavaScript's RegExp accepts, so validity is decided by RE2 itself (re2-wasm), never by `new RegExp`.
import { RE2 } from 're2-wasm';
import type { StringMatch } from '../istio/common.js';
import type { Collector } from './collector.js';

/** Istio's limit on regex length. */
export const MAX_REGEX_LENGTH = 1024;
const RE2_SYNTAX = 'Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)';
const cache = new Map<string, string | null>();
const CACHE_LIMIT = 4096;

/**
 * Returns RE2's complaint about `pattern`, or undefined when RE2 compiles it. Results are cached; the
 * compiled program is freed at once (the WASM heap is small and shared by the whole process).
 */
export function re2Error(pattern: string): string | undefined {
  const hit = cache.get(pattern);
  if (hit !== undefined) return hit ?? undefined;
  const result = compile(pattern);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(pattern, result ?? null);
  return result;
}

function compile(pattern: string): string | undefined {
  let re: RE2 | undefined;
  try {
    re = new RE2(pattern, 'u');
    return undefined;
  } catch (error) {
    // A SyntaxError is RE2 rejecting the pattern; anything else is the WASM module running out of
    // memory on a huge program, which Envoy's program-size limit would reject as well.
    if (error instanceof SyntaxError) {
      // re2-wasm prefixes `Invalid regular expression: /SOURCE/u: ` (slashes in SOURCE escaped).
      return goRegexpError(error.message.replace(/^Invalid regular expression: \/(?:\\.|[^\\/])*\/u: /s, ''));
    }
    return 'error parsing regexp: expression too large';
  } finally {
    (re as unknown as { wrapper?: { delete?: () => void } } | undefined)?.wrapper?.delete?.();
  }
}

// RE2's error codes (re2.cc CodeText) and the words Go's regexp/syntax uses for the same errors: Istio
// compiles regexes with Go, so its messages read `error parsing regexp: CODE: \`ARG\``.
const GO_CODES: Readonly<Record<string, string>> = {
  'missing ]': 'missing closing ]',
  'missing )': 'missing closing )',
  'trailing \\': 'trailing backslash at end of expression',
  'no argument for repetition operator': 'missing argument to repetition operator',
  'invalid repetition size': 'invalid repeat count',
  'bad repetition operator': 'invalid nested repetition operator',
  'invalid perl operator': 'invalid or unsupported Perl syntax',
  'invalid named capture group': 'invalid named capture',
};

/** Rewrites RE2's `CODE: ARG` as Go's regexp package words it: `error parsing regexp: CODE: \`ARG\``. */
function goRegexpError(re2Message: string): string {
  for (const code of [...Object.keys(GO_CODES), 'invalid escape sequence', 'invalid character class range', 'invalid character class', 'unexpected )', 'invalid UTF-8']) {
    if (re2Message === code) return `error parsing regexp: ${GO_CODES[code] ?? code}`;
    if (re2Message.startsWith(`${code}: `)) return `error parsing regexp: ${GO_CODES[code] ?? code}: \`${re2Message.slice(code.length + 2)}\``;
  }
  return `error parsing regexp: ${re2Message}`;
}

/** Reports Istio's regex rules for `pattern` (length limit, RE2 syntax), naming the match as `where`. */
export function checkRegex(c: Collector, field: string, pattern: string, where: string): void {
  const w = JSON.stringify(where);
  if (pattern.length > MAX_REGEX_LENGTH) {
    c.error(field, `${w}: regex is too large, max length allowed is ${MAX_REGEX_LENGTH}`);
    return;
  }
  const err = re2Error(pattern);
  if (err) c.error(field, `${w}: ${err}; ${RE2_SYNTAX}`);
}

/**
 * Reports Istio's StringMatch rules: one of exact/prefix/regex, a non-empty valid RE2 regex, and
 * (unless `allowEmptyPrefix`, as for `uri`) a non-empty prefix.
 */
export function checkStringMatch(c: Collector, field: string, sm: StringMatch | undefined, where: string, allowEmptyPrefix = false): void {
  if (!sm) return;
  const set = (['exact', 'prefix', 'regex'] as const).filter((k) => sm[k] !== undefined);
  if (set.length > 1) c.error(field, `${JSON.stringify(where)}: only one of exact, prefix or regex may be set (have ${set.join(', ')})`);
  if (!allowEmptyPrefix && sm.prefix === '') c.error(field, `${JSON.stringify(where)}: prefix string match should not be empty`);
  if (sm.regex !== undefined) {
    if (sm.regex === '') c.error(field, `${JSON.stringify(where)}: regex string match should not be empty`);
    else checkRegex(c, field, sm.regex, where);
  }
}
