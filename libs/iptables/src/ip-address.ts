/**
 * Minimal IPv4/IPv6 address and prefix parsing with the canonical text form Istio gets from Go's
 * `net/netip` (RFC 5952 for IPv6, `::ffff:a.b.c.d` for v4-mapped, host bits of a prefix kept).
 */

/** A parsed IP address: its family, its 4 or 16 bytes and its canonical text. */
export interface ParsedAddress {
  readonly family: 'v4' | 'v6';
  readonly bytes: readonly number[];
  readonly text: string;
}

/** A parsed prefix (`address/bits`), printed as canonical address + `/` + bits. */
export interface ParsedPrefix {
  readonly address: ParsedAddress;
  readonly bits: number;
  readonly text: string;
}

function parseIpv4Bytes(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p.startsWith('0'))) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

function parseGroups(s: string): number[] | undefined {
  if (s === '') return [];
  const out: number[] = [];
  const parts = s.split(':');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] ?? '';
    if (i === parts.length - 1 && p.includes('.')) {
      const v4 = parseIpv4Bytes(p);
      if (!v4) return undefined;
      out.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
      continue;
    }
    if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
    out.push(parseInt(p, 16));
  }
  return out;
}

function parseIpv6Bytes(s: string): number[] | undefined {
  if (s.includes('%')) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const head = parseGroups(halves[0] ?? '');
    const tail = parseGroups(halves[1] ?? '');
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = parseGroups(s);
    if (!all || all.length !== 8) return undefined;
    groups = all;
  }
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

function formatIpv6(bytes: readonly number[]): string {
  const isV4Mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (isV4Mapped) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Parses an IPv4 or IPv6 address (no zone); undefined when it is not one. */
export function parseAddress(s: string): ParsedAddress | undefined {
  const v4 = parseIpv4Bytes(s);
  if (v4) return { family: 'v4', bytes: v4, text: v4.join('.') };
  if (!s.includes(':')) return undefined;
  const v6 = parseIpv6Bytes(s);
  if (!v6) return undefined;
  return { family: 'v6', bytes: v6, text: formatIpv6(v6) };
}

/** Parses `address/bits`; undefined when malformed or bits are out of range for the family. */
export function parsePrefix(s: string): ParsedPrefix | undefined {
  const slash = s.lastIndexOf('/');
  if (slash < 0) return undefined;
  const address = parseAddress(s.slice(0, slash));
  const bitsText = s.slice(slash + 1);
  if (!address || !/^(0|[1-9]\d{0,2})$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  if (bits > (address.family === 'v4' ? 32 : 128)) return undefined;
  return { address, bits, text: `${address.text}/${bits}` };
}

/** True for 127.0.0.0/8 and ::1. */
export function isLoopbackAddress(a: ParsedAddress): boolean {
  if (a.family === 'v4') return a.bytes[0] === 127;
  return a.bytes.slice(0, 15).every((b) => b === 0) && a.bytes[15] === 1;
}

/** True for 169.254.0.0/16 and fe80::/10. */
export function isLinkLocalAddress(a: ParsedAddress): boolean {
  if (a.family === 'v4') return a.bytes[0] === 169 && a.bytes[1] === 254;
  return a.bytes[0] === 0xfe && ((a.bytes[1] ?? 0) & 0xc0) === 0x80;
}
