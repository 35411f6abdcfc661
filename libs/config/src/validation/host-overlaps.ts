/** Most duplicate-host pairs reported for one resource; past it, one line says more were not listed. */
export const MAX_REPORTED_HOST_PAIRS = 100;

/** Returns the names that cover `host` (Istio's host.Name.Matches): itself, `*`, and `*` + each of its dot-suffixes. */
function coveringNames(host: string): string[] {
  const out = [host, '*'];
  for (let k = host.indexOf('.', host.startsWith('*') ? 2 : 0); k >= 0; k = host.indexOf('.', k + 1)) out.push(`*${host.slice(k)}`);
  return out;
}

/** Returns the first index in the sorted `list` greater than `i` (binary search). */
function firstAfter(list: readonly number[], i: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! <= i) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function push(map: Map<string, number[]>, key: string, i: number): void {
  const list = map.get(key);
  if (list) list.push(i);
  else map.set(key, [i]);
}

/**
 * Returns the index pairs `[i, j]` (i < j) of hosts that overlap, as Istio's pairwise check in
 * ValidateVirtualService finds them and in its order (by i, then j), but without comparing every
 * pair: each host is looked up under the few names that cover it (itself, `*`, `*.suffix`), so the
 * work is near-linear in the number of hosts plus the pairs returned. Stops after `max` pairs and
 * says whether more exist. Hosts must be valid (FQDNs, `*`, `*.suffix` wildcards, IPs).
 */
export function overlappingHostPairs(hosts: readonly string[], max = MAX_REPORTED_HOST_PAIRS): { pairs: [number, number][]; more: boolean } {
  const byName = new Map<string, number[]>();
  const coveredBy = new Map<string, number[]>();
  const covering = hosts.map(coveringNames);
  hosts.forEach((h, i) => push(byName, h, i));
  covering.forEach((names, j) => {
    for (const name of new Set(names)) push(coveredBy, name, j);
  });
  const pairs: [number, number][] = [];
  for (let i = 0; i < hosts.length; i++) {
    const found = new Set<number>();
    const lists = [...new Set(covering[i]!)].map((name) => byName.get(name) ?? []);
    lists.push(coveredBy.get(hosts[i]!) ?? []);
    for (const list of lists) for (let k = firstAfter(list, i); k < list.length; k++) found.add(list[k]!);
    for (const j of [...found].sort((a, b) => a - b)) {
      if (pairs.length === max) return { pairs, more: true };
      pairs.push([i, j]);
    }
  }
  return { pairs, more: false };
}

/** Values keyed by host, found by overlap (Istio's host.Name.Matches) without scanning every key. */
export interface HostIndex<T> {
  add(host: string, value: T): void;
  /** Returns the values of every host that overlaps `host`, in insertion order. */
  overlapping(host: string): T[];
}

/**
 * Creates a {@link HostIndex}: each host is filed under its own name and under every name that covers
 * it, so a lookup costs the number of dot-suffixes of the host plus the matches, not the index size.
 */
export function createHostIndex<T>(): HostIndex<T> {
  const byName = new Map<string, { seq: number; value: T }[]>();
  const coveredBy = new Map<string, { seq: number; value: T }[]>();
  let seq = 0;
  const file = (map: Map<string, { seq: number; value: T }[]>, key: string, entry: { seq: number; value: T }): void => {
    const list = map.get(key);
    if (list) list.push(entry);
    else map.set(key, [entry]);
  };
  return {
    add(host, value) {
      const entry = { seq: seq++, value };
      file(byName, host, entry);
      for (const name of new Set(coveringNames(host))) file(coveredBy, name, entry);
    },
    overlapping(host) {
      const found = new Map<number, T>();
      for (const name of new Set(coveringNames(host))) for (const e of byName.get(name) ?? []) found.set(e.seq, e.value);
      for (const e of coveredBy.get(host) ?? []) found.set(e.seq, e.value);
      return [...found.entries()].sort(([a], [b]) => a - b).map(([, v]) => v);
    },
  };
}
