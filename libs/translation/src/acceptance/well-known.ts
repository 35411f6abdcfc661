/**
 * The string formats protoc-gen-validate knows by name (`hostname`, `ipv6`, `well_known_regex`, ...),
 * as PGV's documentation defines them.
 */

const HEADER_NAME_STRICT = /^:?[0-9a-zA-Z!#$%&'*+\-.^_|~`]+$/;
const HEADER_VALUE_STRICT = /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/;
const HEADER_LOOSE = /^[^\u0000\u000A\u000D]*$/;

/**
 * Returns the regular expression PGV uses for a `well_known_regex` (1 = HTTP_HEADER_NAME,
 * 2 = HTTP_HEADER_VALUE); with `strict` false both only forbid NUL, CR and LF.
 */
export function headerRegex(known: number, strict: boolean): RegExp | undefined {
  if (known !== 1 && known !== 2) return undefined;
  if (!strict) return HEADER_LOOSE;
  return known === 1 ? HEADER_NAME_STRICT : HEADER_VALUE_STRICT;
}

/** True for a dotted-quad IPv4 address (no leading zeros, each part 0..255). */
export function isIpv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

/** True for an IPv6 address in any textual form (`::`, embedded IPv4 tail); zones are rejected. */
export function isIpv6(s: string): boolean {
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = (h: string): string[] | undefined => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return false;
  const all = [...head, ...tail];
  let count = all.length;
  const last = all[all.length - 1];
  if (last !== undefined && last.includes('.')) {
    if (!isIpv4(last)) return false;
    all.pop();
    count += 1;
  }
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** True for an RFC 1034 hostname: at most 253 characters, labels of 1..63 letters, digits and inner hyphens. */
export function isHostname(s: string): boolean {
  const h = s.endsWith('.') ? s.slice(0, -1) : s;
  if (h.length === 0 || h.length > 253) return false;
  return h.split('.').every((l) => /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/.test(l));
}

/** True for an e-mail address `local@hostname` (local part at most 64 characters, total at most 254). */
export function isEmail(s: string): boolean {
  const a = s.startsWith('<') && s.endsWith('>') ? s.slice(1, -1) : s;
  const at = a.lastIndexOf('@');
  if (at <= 0 || a.length > 254) return false;
  const local = a.slice(0, at);
  return local.length <= 64 && !/[\s@<>]/.test(local) && isHostname(a.slice(at + 1));
}

/** True for an absolute URI (has a scheme). */
export function isUri(s: string): boolean {
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

/** True for a URI reference (absolute or relative). */
export function isUriRef(s: string): boolean {
  try {
    new URL(s, 'http://pgv.invalid/');
    return !/[\s]/.test(s);
  } catch {
    return false;
  }
}

/** True for a UUID in its canonical 8-4-4-4-12 hexadecimal form. */
export function isUuid(s: string): boolean {
  return /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s);
}
