import { isIP } from 'node:net';

/**
 * Checks a listen address flag (`--grpc-addr`, `--monitoring-addr`): `HOST:PORT` or `:PORT`, where
 * HOST is an IPv4 address, a bracketed IPv6 address (`[::1]:15010`) or `localhost`, and PORT 0-65535.
 * Only literals are accepted, so nothing is ever looked up in DNS; returns the address unchanged, or
 * throws an error that names the flag and says what is expected.
 */
export function checkListenAddress(value: string, flag: string): string {
  const expected = `${flag} ${JSON.stringify(value)}: expected HOST:PORT or :PORT with an IP address or localhost as HOST (e.g. :15010, 127.0.0.1:15010, [::1]:15010)`;
  const i = value.lastIndexOf(':');
  if (i < 0) throw new Error(expected);
  const host = value.slice(0, i);
  const portText = value.slice(i + 1);
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65535) throw new Error(expected);
  const bracketed = /^\[(.*)\]$/.exec(host);
  const ok = host === '' || host === 'localhost' || (bracketed ? isIP(bracketed[1]!) === 6 : isIP(host) === 4);
  if (!ok) throw new Error(expected);
  return value;
}
