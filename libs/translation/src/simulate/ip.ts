/** An IP address as a number of `bits` (32 or 128) bits. */
export interface ParsedIp {
  readonly bits: 32 | 128;
  readonly value: bigint;
}

/** Parses an IPv4 or IPv6 address (no zone, no brackets); undefined when `text` is not one. */
export function parseIp(text: string): ParsedIp | undefined {
  const t = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(t)) {
    const parts = t.split('.').map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return { bits: 32, value: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n) };
  }
  if (!t.includes(':')) return undefined;
  let head = t;
  let v4tail: bigint | undefined;
  const lastColon = t.lastIndexOf(':');
  if (t.slice(lastColon + 1).includes('.')) {
    const v4 = parseIp(t.slice(lastColon + 1));
    if (!v4 || v4.bits !== 32) return undefined;
    v4tail = v4.value;
    head = `${t.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - left.length - right.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  let value = all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
  if (v4tail !== undefined) value = (value & ~0xffffffffn) | v4tail;
  return { bits: 128, value };
}

/** True if `ip` lies in `prefix/len` (both the same family). */
export function cidrContains(prefix: string, len: number, ip: ParsedIp): boolean {
  const p = parseIp(prefix);
  if (!p || p.bits !== ip.bits || len < 0 || len > p.bits) return false;
  const shift = BigInt(p.bits - len);
  return (p.value >> shift) === (ip.value >> shift);
}

/** True for the unspecified addresses a wildcard listener binds (`0.0.0.0`, `::`). */
export function isWildcardAddress(address: string): boolean {
  const ip = parseIp(address);
  return address === '' || (ip !== undefined && ip.value === 0n);
}
