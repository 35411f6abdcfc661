import { splitList } from './config.js';
import { parsePrefix } from './ip-address.js';

/** The outbound CIDRs of one family: `*` (all) or a list of canonical prefixes. */
export interface FamilyRanges {
  readonly wildcard: boolean;
  readonly cidrs: readonly string[];
}

/**
 * Splits a `-i`/`-x` value into v4 and v6 ranges (`*` is a wildcard for both). Prefixes are printed in canonical
 * form with host bits kept (`127.1.2.3/32`, `2001:db8::/32`); unparsable items are dropped (validation rejects them).
 */
export function splitRangesByFamily(list: string): { readonly v4: FamilyRanges; readonly v6: FamilyRanges } {
  if (list === '*') return { v4: { wildcard: true, cidrs: [] }, v6: { wildcard: true, cidrs: [] } };
  const v4: string[] = [];
  const v6: string[] = [];
  for (const item of splitList(list)) {
    const p = parsePrefix(item);
    if (p?.address.family === 'v4') v4.push(p.text);
    else if (p) v6.push(p.text);
  }
  return { v4: { wildcard: false, cidrs: v4 }, v6: { wildcard: false, cidrs: v6 } };
}
