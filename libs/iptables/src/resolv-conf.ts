/** The `nameserver` addresses of a resolv.conf text, in order (comments and other lines ignored). */
export function parseResolvConf(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const fields = line.replace(/[#;].*$/, '').trim().split(/\s+/);
    if (fields[0] === 'nameserver' && fields[1] !== undefined) out.push(fields[1]);
  }
  return out;
}
