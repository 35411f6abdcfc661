// The near-linear duplicate-host check finds exactly the pairs Istio's pairwise check finds, in its order.
import { hostsOverlap } from './hostname.js';
import { createHostIndex, overlappingHostPairs } from './host-overlaps.js';

function brute(hosts: readonly string[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < hosts.length; i++) for (let j = i + 1; j < hosts.length; j++) if (hostsOverlap(hosts[i]!, hosts[j]!)) out.push([i, j]);
  return out;
}

/** A small deterministic PRNG (mulberry32), so the random cases are the same on every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('overlappingHostPairs', () => {
  it('matches the pairwise check on random hosts, wildcards and IPs (fixed seed)', () => {
    const r = rng(13);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const labels = ['a', 'b', 'com', 'svc', 'x'];
    for (let round = 0; round < 300; round++) {
      const hosts = Array.from({ length: 1 + Math.floor(r() * 12) }, () => {
        const kind = r();
        if (kind < 0.05) return '*';
        if (kind < 0.1) return pick(['10.0.0.1', '10.0.0.2', 'fd00::1']);
        const name = Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(labels)).join('.');
        return kind < 0.4 ? `*.${name}` : name;
      });
      expect(overlappingHostPairs(hosts, 10_000)).toEqual({ pairs: brute(hosts), more: false });
    }
  });

  it('createHostIndex finds exactly the overlapping hosts, in insertion order (fixed seed)', () => {
    const r = rng(7);
    const names = ['a.com', 'b.a.com', '*.a.com', '*.com', '*', 'x.svc', '*.svc', '10.0.0.1'];
    for (let round = 0; round < 100; round++) {
      const keys = Array.from({ length: 1 + Math.floor(r() * 8) }, () => names[Math.floor(r() * names.length)]!);
      const index = createHostIndex<number>();
      keys.forEach((k, i) => index.add(k, i));
      for (const q of names) expect(index.overlapping(q)).toEqual(keys.flatMap((k, i) => (hostsOverlap(k, q) ? [i] : [])));
    }
  });

  it('stops after max pairs and says more exist', () => {
    expect(overlappingHostPairs(['a.com', 'a.com', 'a.com', '*.com'], 3)).toEqual({ pairs: [[0, 1], [0, 2], [0, 3]], more: true });
  });

  it('handles 40,000 hosts without comparing every pair', () => {
    const hosts = Array.from({ length: 40_000 }, (_, i) => `h${i}.example.com`);
    expect(overlappingHostPairs(hosts)).toEqual({ pairs: [], more: false });
    expect(overlappingHostPairs([...hosts, '*.example.com']).pairs).toHaveLength(100);
  });
});
