// Hostname, label and address rules as Istio's validation applies them (agent/validation.go, pkg/config/labels).

const DNS1123_LABEL = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const WILDCARD_LABEL = /^(?:\*|(?:\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;

/** Returns true for a DNS-1123 label (at most 63 characters; Istio also accepts upper case). */
export function isDns1123Label(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}

/** Returns true for a label that may carry a leading wildcard: `*`, `*foo`, `*-foo`, or a DNS-1123 label (labels.IsWildcardDNS1123Label). */
export function isWildcardLabel(s: string): boolean {
  return s.length <= 63 && WILDCARD_LABEL.test(s);
}

function preconditions(domain: string): string | undefined {
  if (domain.length > 255) return `domain name ${JSON.stringify(domain)} too long (max 255)`;
  if (domain.length === 0) return 'empty domain name not allowed';
  return undefined;
}

/** Returns Istio's error for a dotted list of DNS-1123 labels (a trailing dot allowed, all-numeric TLD rejected), or undefined. */
export function dnsLabelsError(domain: string): string | undefined {
  const parts = domain.split('.');
  const tld = parts[parts.length - 1]!;
  if (/^[-+]?\d+$/.test(tld)) return `domain name ${JSON.stringify(domain)} invalid (top level domain ${JSON.stringify(tld)} cannot be all-numeric)`;
  for (let i = 0; i < parts.length; i++) {
    const label = parts[i]!;
    if (i === parts.length - 1 && label === '' && i > 0) return undefined;
    if (!isDns1123Label(label)) return `domain name ${JSON.stringify(domain)} invalid (label ${JSON.stringify(label)} invalid)`;
  }
  return undefined;
}

/** Returns Istio's error for a fully qualified name without wildcards (ValidateFQDN), or undefined. */
export function fqdnError(domain: string): string | undefined {
  return preconditions(domain) ?? dnsLabelsError(domain);
}

/** Returns Istio's error for a host that may start with a wildcard label (ValidateWildcardDomain), or undefined. */
export function wildcardDomainError(domain: string): string | undefined {
  const pre = preconditions(domain);
  if (pre) return pre;
  const dot = domain.indexOf('.');
  const first = dot < 0 ? domain : domain.slice(0, dot);
  if (!isWildcardLabel(first)) return `domain name ${JSON.stringify(domain)} invalid (label ${JSON.stringify(first)} invalid)`;
  return dot < 0 ? undefined : dnsLabelsError(domain.slice(dot + 1));
}

const OUTBOUND_SNI_FORMAT = 'outbound_.<PORT>_._.<HOSTNAME>';

/**
 * Returns Istio's error for a host of a VirtualService bound to gateways only
 * (ValidateWildcardDomainForVirtualServiceBoundToGateway), or undefined. With `sni` (the
 * VirtualService has TLS matches with SNI hosts), the names Envoy's AUTO_PASSTHROUGH SNI uses,
 * `outbound_.PORT_._.HOST`, are accepted as well.
 */
export function gatewayBoundHostError(sni: boolean, domain: string): string | undefined {
  const pre = preconditions(domain);
  if (pre) return pre;
  if (!sni || !domain.startsWith('outbound_')) return wildcardDomainError(domain);
  const parts = domain.split('_');
  if (parts.length < 4) return `domain name ${domain} invalid, should follow '${OUTBOUND_SNI_FORMAT}' format`;
  const trim = (s: string): string => s.replace(/^\.+|\.+$/g, '');
  const [direction = '', rawPort = '', , rawHost = ''] = parts;
  const port = trim(rawPort);
  const hostname = trim(rawHost);
  if (direction !== 'outbound') return `domain name ${JSON.stringify(domain)} invalid (label ${JSON.stringify(direction)} invalid)`;
  if (!/[0-9]/.test(port)) return `domain name ${JSON.stringify(domain)} invalid (label ${JSON.stringify(port)} invalid). should follow ${OUTBOUND_SNI_FORMAT} format`;
  if (!/[a-zA-Z]/.test(hostname)) return `domain name ${JSON.stringify(domain)} invalid (label ${JSON.stringify(hostname)} invalid). should follow ${OUTBOUND_SNI_FORMAT} format`;
  return undefined;
}

/** Returns Istio's error for a partial wildcard such as `*bar.com` or `a*.com` (ValidatePartialWildCard), or undefined. */
export function partialWildcardError(host: string): string | undefined {
  return host.includes('*') && host.length !== 1 && !host.startsWith('*.') ? `partial wildcard ${JSON.stringify(host)} not allowed` : undefined;
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Returns true for an IPv4 or IPv6 address (no brackets, no zone). */
export function isIPAddress(s: string): boolean {
  return IPV4.test(s) || isIPv6(s);
}

function isIPv6(s: string): boolean {
  if (!s.includes(':') || !/^[0-9a-fA-F:.]+$/.test(s)) return false;
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === '' ? [] : h.split(':')));
  let count = 0;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    if (i === groups.length - 1 && g.includes('.')) {
      if (!IPV4.test(g)) return false;
      count += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) {
      count++;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? count < 8 : count === 8;
}

/**
 * Returns Istio's errors for a Gateway server host (ValidateNamespaceSlashWildcardHostname with
 * isGateway): `[ns/]dnsName`, where dnsName is `*` or has a dot (no short names), is a wildcard
 * domain or an IP address, and has no partial wildcard; ns is `*`, `.` or a DNS label.
 */
export function gatewayHostErrors(hostname: string): string[] {
  const slash = hostname.indexOf('/');
  if (slash < 0) return gatewayHostPartErrors(hostname);
  const ns = hostname.slice(0, slash);
  const dnsName = hostname.slice(slash + 1);
  const errs: string[] = [];
  if (ns === '' || dnsName === '') errs.push('config namespace and dnsName in host entry cannot be empty');
  if (ns !== '*' && ns !== '.' && !isDns1123Label(ns)) errs.push(`invalid namespace value ${JSON.stringify(ns)} in gateway`);
  return [...errs, ...gatewayHostPartErrors(dnsName)];
}

function gatewayHostPartErrors(hostname: string): string[] {
  const errs: string[] = [];
  if (hostname !== '*' && !hostname.includes('.')) errs.push('short names (non FQDN) are not allowed');
  const err = wildcardDomainError(hostname);
  if (err && !isIPAddress(hostname)) errs.push(err);
  const partial = partialWildcardError(hostname);
  if (partial) errs.push(partial);
  return errs;
}

/** Returns Istio's error for an address or CIDR block (ValidateIPSubnet), or undefined. */
export function ipSubnetError(subnet: string): string | undefined {
  const slash = subnet.indexOf('/');
  if (slash < 0 || subnet.indexOf('/', slash + 1) >= 0) return isIPAddress(subnet) ? undefined : `${subnet} is not a valid IP`;
  const ip = subnet.slice(0, slash);
  const bits = subnet.slice(slash + 1);
  const max = IPV4.test(ip) ? 32 : isIPv6(ip) ? 128 : -1;
  if (max < 0 || !/^\d{1,3}$/.test(bits) || Number(bits) > max) return `${subnet} is not a valid CIDR block`;
  return undefined;
}

/** Returns true when `h` starts with a wildcard (`*`, `*.example.com`). */
function wild(h: string): boolean {
  return h.startsWith('*');
}

/** Returns true when two hosts overlap (Istio's host.Name.Matches): equal, or one wildcard covers the other. */
export function hostsOverlap(a: string, b: string): boolean {
  if (wild(a) && wild(b)) return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  if (wild(a)) return b.endsWith(a.slice(1));
  if (wild(b)) return a.endsWith(b.slice(1));
  return a === b;
}

/** Returns true when every name `host` covers is also covered by `of` (Istio's host.Name.SubsetOf). */
export function hostSubsetOf(host: string, of: string): boolean {
  if (wild(of)) return wild(host) ? of.length <= host.length && host.slice(1).endsWith(of.slice(1)) : host.endsWith(of.slice(1));
  return !wild(host) && host === of;
}
