import { listProxyOwners, type IptablesConfig } from './config.js';
import type { FamilyContext } from './capture-rules.js';
import type { RuleBuilder } from './rule-builder.js';

/** Port the agent's DNS proxy listens on. */
export const DNS_PROXY_PORT = '15053';

const NAT = 'nat';
const RAW = 'raw';
const OUTPUT_CHAIN = 'ISTIO_OUTPUT';
const DNS_CHAIN = 'ISTIO_OUTPUT_DNS';
const INBOUND_CHAIN = 'ISTIO_INBOUND';

/** DNS capture is effective with --redirect-dns and either --capture-all-dns or at least one name server. */
export function isDnsCaptureEffective(config: IptablesConfig): boolean {
  return config.redirectDns
    && (config.captureAllDns || config.dnsServersV4.length > 0 || config.dnsServersV6.length > 0);
}

/** Adds one family's DNS capture rules (nat redirects to 15053 and raw conntrack zones). */
export function addDnsRules(b: RuleBuilder, ctx: FamilyContext, config: IptablesConfig): void {
  const f = ctx.family;
  const all = config.captureAllDns;
  const servers = ctx.dnsServers.map((s) => `${s}${ctx.hostBits}`);
  b.append(f, 'OUTPUT', RAW, '-j', DNS_CHAIN);
  if (all || servers.length > 0) b.append(f, OUTPUT_CHAIN, NAT, '-j', DNS_CHAIN);
  for (const [proto, toPort] of [['tcp', '--to-ports'], ['udp', '--to-port']] as const) {
    if (all) {
      b.append(f, DNS_CHAIN, NAT, '-p', proto, '--dport', '53', '-j', 'REDIRECT', toPort, DNS_PROXY_PORT);
      continue;
    }
    for (const s of servers) {
      b.append(f, DNS_CHAIN, NAT, '-p', proto, '--dport', '53', '-d', s, '-j', 'REDIRECT', toPort, DNS_PROXY_PORT);
    }
  }
  const owners = listProxyOwners(config);
  for (const [match, id] of owners) {
    b.append(f, DNS_CHAIN, RAW, '-p', 'udp', '--dport', '53', '-m', 'owner', match, id, '-j', 'CT', '--zone', '1');
    b.append(f, DNS_CHAIN, RAW, '-p', 'udp', '--sport', DNS_PROXY_PORT, '-m', 'owner', match, id, '-j', 'CT', '--zone', '2');
  }
  if (all) {
    b.append(f, 'PREROUTING', RAW, '-j', INBOUND_CHAIN);
    b.append(f, DNS_CHAIN, RAW, '-p', 'udp', '--dport', '53', '-j', 'CT', '--zone', '2');
    b.append(f, INBOUND_CHAIN, RAW, '-p', 'udp', '--sport', '53', '-j', 'CT', '--zone', '1');
  } else if (servers.length > 0) {
    b.append(f, 'PREROUTING', RAW, '-j', INBOUND_CHAIN);
    for (const s of servers) {
      b.append(f, DNS_CHAIN, RAW, '-p', 'udp', '--dport', '53', '-d', s, '-j', 'CT', '--zone', '2');
      b.append(f, INBOUND_CHAIN, RAW, '-p', 'udp', '--sport', '53', '-s', s, '-j', 'CT', '--zone', '1');
    }
  }
}
