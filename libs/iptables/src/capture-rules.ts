import { isTproxyMode, listProxyOwners, splitList, type IptablesConfig } from './config.js';
import { addDnsRules, isDnsCaptureEffective } from './dns-rules.js';
import { isLoopbackAddress, parsePrefix } from './ip-address.js';
import { createRuleBuilder, type IpFamily, type RuleBuilder } from './rule-builder.js';
import { splitRangesByFamily, type FamilyRanges } from './ip-ranges.js';

/** Chain and target names istio-iptables uses. */
export const CHAINS = {
  inbound: 'ISTIO_INBOUND',
  redirect: 'ISTIO_REDIRECT',
  inRedirect: 'ISTIO_IN_REDIRECT',
  output: 'ISTIO_OUTPUT',
  outputDns: 'ISTIO_OUTPUT_DNS',
  divert: 'ISTIO_DIVERT',
  tproxy: 'ISTIO_TPROXY',
  drop: 'ISTIO_DROP',
} as const;

const NAT = 'nat';
const MANGLE = 'mangle';
/** Mark set on the proxy's own loopback traffic in TPROXY mode. */
const OUTBOUND_MARK = '1338';

/** Family-specific values used by the rule steps. */
export interface FamilyContext {
  readonly family: IpFamily;
  /** Host loopback prefix (LO). */
  readonly loopback: string;
  /** Inbound passthrough source (SRC6). */
  readonly passthroughSource: string;
  /** Host prefix length suffix for single addresses. */
  readonly hostBits: string;
  readonly include: FamilyRanges;
  readonly exclude: FamilyRanges;
  readonly dnsServers: readonly string[];
}

function createFamilyContext(config: IptablesConfig, family: IpFamily): FamilyContext {
  const include = splitRangesByFamily(config.outboundIpRangesInclude);
  const exclude = splitRangesByFamily(config.outboundIpRangesExclude);
  const v4 = family === 'v4';
  return {
    family,
    loopback: v4 ? config.hostIpv4LoopbackCidr : '::1/128',
    passthroughSource: v4 ? '127.0.0.6/32' : '::6/128',
    hostBits: v4 ? '/32' : '/128',
    include: include[family],
    exclude: exclude[family],
    dnsServers: v4 ? config.dnsServersV4 : config.dnsServersV6,
  };
}

function hasLoopbackInclude(ranges: FamilyRanges): boolean {
  return ranges.cidrs.some((c) => { const p = parsePrefix(c); return p !== undefined && isLoopbackAddress(p.address); });
}

function addInterfaceRules(b: RuleBuilder, f: IpFamily, config: IptablesConfig): void {
  const tables = isTproxyMode(config) ? [NAT, MANGLE] : [NAT];
  for (const table of tables) {
    for (const nic of splitList(config.excludeInterfaces)) {
      b.append(f, 'PREROUTING', table, '-i', nic, '-j', 'RETURN');
      b.append(f, 'OUTPUT', table, '-o', nic, '-j', 'RETURN');
    }
  }
  for (const nic of splitList(config.rerouteVirtualInterfaces)) b.insert(f, 'PREROUTING', NAT, 1, '-i', nic, '-j', 'RETURN');
  if (config.dropInvalid) {
    b.append(f, 'PREROUTING', MANGLE, '-m', 'conntrack', '--ctstate', 'INVALID', '-j', CHAINS.drop);
    b.append(f, CHAINS.drop, MANGLE, '-j', 'DROP');
  }
}

function addInboundRules(b: RuleBuilder, ctx: FamilyContext, config: IptablesConfig): void {
  const f = ctx.family;
  b.append(f, CHAINS.inbound, NAT, '-p', 'tcp', '--dport', config.inboundTunnelPort, '-j', 'RETURN');
  b.append(f, CHAINS.redirect, NAT, '-p', 'tcp', '-j', 'REDIRECT', '--to-ports', config.proxyPort);
  b.append(f, CHAINS.inRedirect, NAT, '-p', 'tcp', '-j', 'REDIRECT', '--to-ports', config.inboundCapturePort);
  if (config.inboundPortsInclude === '') return;
  const tproxy = isTproxyMode(config);
  const table = tproxy ? MANGLE : NAT;
  const mark = config.inboundTProxyMark;
  if (tproxy) {
    b.append(f, CHAINS.divert, MANGLE, '-j', 'MARK', '--set-mark', mark);
    b.append(f, CHAINS.divert, MANGLE, '-j', 'ACCEPT');
    b.append(f, CHAINS.tproxy, MANGLE, '!', '-d', ctx.loopback, '-p', 'tcp', '-j', 'TPROXY',
      '--tproxy-mark', `${mark}/0xffffffff`, '--on-port', config.inboundCapturePort);
  }
  b.append(f, 'PREROUTING', table, '-p', 'tcp', '-j', CHAINS.inbound);
  const established = ['-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', CHAINS.divert];
  if (config.inboundPortsInclude === '*') {
    for (const port of splitList(config.inboundPortsExclude)) {
      b.append(f, CHAINS.inbound, table, '-p', 'tcp', '--dport', port, '-j', 'RETURN');
    }
    if (tproxy) {
      b.append(f, CHAINS.inbound, table, '-p', 'tcp', ...established);
      b.append(f, CHAINS.inbound, table, '-p', 'tcp', '-j', CHAINS.tproxy);
    } else {
      b.append(f, CHAINS.inbound, table, '-p', 'tcp', '-j', CHAINS.inRedirect);
    }
    return;
  }
  for (const port of splitList(config.inboundPortsInclude)) {
    if (tproxy) {
      b.append(f, CHAINS.inbound, table, '-p', 'tcp', '--dport', port, ...established);
      b.append(f, CHAINS.inbound, table, '-p', 'tcp', '--dport', port, '-j', CHAINS.tproxy);
    } else {
      b.append(f, CHAINS.inbound, table, '-p', 'tcp', '--dport', port, '-j', CHAINS.inRedirect);
    }
  }
}

function addOwnerRules(b: RuleBuilder, ctx: FamilyContext, config: IptablesConfig, anyLoopbackInclude: boolean): void {
  const f = ctx.family;
  const dns = isDnsCaptureEffective(config);
  const tunnel = config.inboundTunnelPort;
  const owners = listProxyOwners(config);
  for (const [match, id] of owners) {
    const portMatch = dns && match === '--uid-owner'
      ? ['-m', 'multiport', '!', '--dports', `53,${tunnel}`] : ['!', '--dport', tunnel];
    b.append(f, CHAINS.output, NAT, '-o', 'lo', '!', '-d', ctx.loopback, '-p', 'tcp', ...portMatch,
      '-m', 'owner', match, id, '-j', CHAINS.inRedirect);
    if (!anyLoopbackInclude) {
      const notDns = dns ? ['-p', 'tcp', '!', '--dport', '53'] : [];
      b.append(f, CHAINS.output, NAT, '-o', 'lo', ...notDns, '-m', 'owner', '!', match, id, '-j', 'RETURN');
    }
    b.append(f, CHAINS.output, NAT, '-m', 'owner', match, id, '-j', 'RETURN');
  }
  if (config.ownerGroupsInclude === '*') {
    for (const g of splitList(config.ownerGroupsExclude)) {
      b.append(f, CHAINS.output, NAT, '-m', 'owner', '--gid-owner', g, '-j', 'RETURN');
    }
  } else {
    const notIncluded = splitList(config.ownerGroupsInclude).flatMap((g) => ['-m', 'owner', '!', '--gid-owner', g]);
    b.append(f, CHAINS.output, NAT, ...notIncluded, '-j', 'RETURN');
  }
}

function addOutboundRules(b: RuleBuilder, ctx: FamilyContext, config: IptablesConfig, anyLoopbackInclude: boolean): void {
  const f = ctx.family;
  b.append(f, 'OUTPUT', NAT, '-j', CHAINS.output);
  for (const port of splitList(config.outboundPortsExclude)) {
    b.append(f, CHAINS.output, NAT, '-p', 'tcp', '--dport', port, '-j', 'RETURN');
    b.append(f, CHAINS.output, NAT, '-p', 'udp', '--dport', port, '-j', 'RETURN');
  }
  b.append(f, CHAINS.output, NAT, '-o', 'lo', '-s', ctx.passthroughSource, '-j', 'RETURN');
  addOwnerRules(b, ctx, config, anyLoopbackInclude);
  if (isDnsCaptureEffective(config)) addDnsRules(b, ctx, config);
  b.append(f, CHAINS.output, NAT, '-d', ctx.loopback, '-j', 'RETURN');
  for (const cidr of ctx.exclude.cidrs) b.append(f, CHAINS.output, NAT, '-d', cidr, '-j', 'RETURN');
  for (const port of splitList(config.outboundPortsInclude)) {
    b.append(f, CHAINS.output, NAT, '-p', 'tcp', '--dport', port, '-j', CHAINS.redirect);
  }
  const virt = splitList(config.rerouteVirtualInterfaces);
  if (ctx.include.wildcard) {
    b.append(f, CHAINS.output, NAT, '-j', CHAINS.redirect);
    for (const nic of virt) b.insert(f, 'PREROUTING', NAT, 1, '-i', nic, '-j', CHAINS.redirect);
    return;
  }
  for (const cidr of ctx.include.cidrs) {
    for (const nic of virt) b.insert(f, 'PREROUTING', NAT, 1, '-i', nic, '-d', cidr, '-j', CHAINS.redirect);
    b.append(f, CHAINS.output, NAT, '-d', cidr, '-j', CHAINS.redirect);
  }
}

function addTproxyTail(b: RuleBuilder, ctx: FamilyContext, config: IptablesConfig): void {
  const f = ctx.family;
  const mark = config.inboundTProxyMark;
  b.append(f, 'PREROUTING', MANGLE, '-p', 'tcp', '-m', 'mark', '--mark', mark, '-j', 'CONNMARK', '--save-mark');
  b.append(f, 'OUTPUT', MANGLE, '-p', 'tcp', '-o', 'lo', '-m', 'mark', '--mark', mark, '-j', 'RETURN');
  const owners = listProxyOwners(config);
  for (const [match, id] of owners) {
    b.append(f, 'OUTPUT', MANGLE, '!', '-d', ctx.loopback, '-p', 'tcp', '-o', 'lo', '-m', 'owner', match, id,
      '-j', 'MARK', '--set-mark', OUTBOUND_MARK);
  }
  b.append(f, 'OUTPUT', MANGLE, '-p', 'tcp', '-m', 'connmark', '--mark', mark, '-j', 'CONNMARK', '--restore-mark');
  b.insert(f, CHAINS.inbound, MANGLE, 1, '-p', 'tcp', '-m', 'mark', '--mark', mark, '-j', 'RETURN');
  b.insert(f, CHAINS.inbound, MANGLE, 2, '-p', 'tcp', '-s', ctx.passthroughSource, '-i', 'lo', '-j', 'RETURN');
  b.insert(f, CHAINS.inbound, MANGLE, 3, '-p', 'tcp', '-i', 'lo', '-m', 'mark', '!', '--mark', OUTBOUND_MARK, '-j', 'RETURN');
}

/**
 * Generates the capture rule set of a validated config (istio-iptables `run.go`), v4 always and v6 when IPv6 is
 * enabled, in Istio's emission order.
 */
export function buildCaptureRules(config: IptablesConfig): RuleBuilder {
  const b = createRuleBuilder({ enableIpv6: config.enableIpv6 });
  const families: IpFamily[] = config.enableIpv6 ? ['v4', 'v6'] : ['v4'];
  const contexts = families.map((f) => createFamilyContext(config, f));
  const anyLoopbackInclude = [createFamilyContext(config, 'v4'), createFamilyContext(config, 'v6')]
    .some((ctx) => hasLoopbackInclude(ctx.include));
  for (const ctx of contexts) {
    addInterfaceRules(b, ctx.family, config);
    addInboundRules(b, ctx, config);
    addOutboundRules(b, ctx, config, anyLoopbackInclude);
    if (isTproxyMode(config)) addTproxyTail(b, ctx, config);
  }
  return b;
}
