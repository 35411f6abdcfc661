import type { matcherV3 } from '@minipilot/envoy-api';

/**
 * Full-match test of an RE2 regex (Envoy's safe_regex). JavaScript's RegExp accepts the RE2 syntax
 * Istio generates; a pattern it cannot compile matches nothing.
 */
export function regexFullMatch(regex: string, value: string): boolean {
  try {
    const ci = regex.startsWith('(?i)');
    return new RegExp(`^(?:${ci ? regex.slice(4) : regex})$`, ci ? 'i' : '').test(value);
  } catch {
    return false;
  }
}

/** Evaluates an Envoy StringMatcher (exact, prefix, suffix, contains, safe_regex; ignore_case). Custom matchers match nothing. */
export function stringMatches(m: matcherV3.StringMatcher, value: string): boolean {
  const fold = (s: string): string => (m.ignoreCase ? s.toLowerCase() : s);
  const p = m.matchPattern;
  switch (p.case) {
    case 'exact': return fold(value) === fold(p.value);
    case 'prefix': return fold(value).startsWith(fold(p.value));
    case 'suffix': return fold(value).endsWith(fold(p.value));
    case 'contains': return fold(value).includes(fold(p.value));
    case 'safeRegex': return regexFullMatch(p.value.regex, value);
    default: return false;
  }
}
