import { splitList, type IptablesConfig } from './config.js';
import { isLoopbackAddress, parsePrefix } from './ip-address.js';

const PORT_FLAGS = [
  ['proxyPort', '--envoy-port/-p'],
  ['inboundCapturePort', '--inbound-capture-port/-z'],
  ['inboundTunnelPort', '--inbound-tunnel-port/-e'],
  ['iptablesProbePort', '--iptables-probe-port'],
] as const;

const PORT_LIST_FLAGS = [
  ['inboundPortsInclude', '--istio-inbound-ports/-b'],
  ['inboundPortsExclude', '--istio-local-exclude-ports/-d'],
  ['outboundPortsInclude', '--istio-outbound-ports/-q'],
  ['outboundPortsExclude', '--istio-local-outbound-ports-exclude/-o'],
] as const;

const IFACE_FLAGS = [
  ['excludeInterfaces', '--istio-exclude-interfaces/-c'],
  ['rerouteVirtualInterfaces', '--kube-virt-interfaces/-k'],
] as const;

const MAX_OWNER_GROUPS = 64;

function portError(flag: string, p: string): string | undefined {
  if (!/^\d{1,5}$/.test(p)) return `${flag}: '${p}' is not a port number`;
  const n = Number(p);
  return n >= 1 && n <= 65535 ? undefined : `${flag}: port ${p} is out of range (1-65535)`;
}

function portListErrors(flag: string, list: string): string[] {
  const out: string[] = [];
  for (const item of splitList(list)) {
    const range = item.split(':');
    if (range.length > 2) { out.push(`${flag}: '${item}' is not a port or port range`); continue; }
    for (const p of range) {
      const e = portError(flag, p);
      if (e) out.push(e);
    }
  }
  return out;
}

function cidrListErrors(flag: string, list: string, allowWildcard: boolean): string[] {
  if (list === '*') return allowWildcard ? [] : [`${flag}: '*' is not allowed (it would exclude everything)`];
  return splitList(list)
    .filter((c) => parsePrefix(c) === undefined)
    .map((c) => `${flag}: '${c}' is not a CIDR (address/bits, e.g. 10.0.0.0/8 or 2001:db8::/32)`);
}

function idListErrors(flag: string, list: string): string[] {
  return splitList(list)
    .filter((id) => !/^\d{1,10}$/.test(id) || Number(id) > 0xffffffff)
    .map((id) => `${flag}: '${id}' is not a numeric id`);
}

function uint32Error(flag: string, v: string, min: number): string | undefined {
  return /^\d{1,10}$/.test(v) && Number(v) >= min && Number(v) <= 0xffffffff
    ? undefined : `${flag}: '${v}' is not a number between ${min} and 4294967295`;
}

function loopbackCidrError(v: string): string | undefined {
  const p = parsePrefix(v);
  if (!p || p.address.family !== 'v4' || !isLoopbackAddress(p.address) || p.bits < 8) {
    return `ISTIO_OUTBOUND_IPV4_LOOPBACK_CIDR: '${v}' must be an IPv4 loopback prefix with a mask of 8 to 32 bits`;
  }
  return undefined;
}

/**
 * Validates a resolved config (after {@link applyHostInputs}): ports, port lists, CIDRs, ids, the interception mode,
 * the TPROXY mark/table and the env-only inputs. Returns one message per problem, each naming its flag.
 */
export function validateIptablesConfig(config: IptablesConfig): string[] {
  const errors: string[] = [];
  for (const [field, flag] of PORT_FLAGS) {
    const e = portError(flag, config[field]);
    if (e) errors.push(e);
  }
  for (const [field, flag] of PORT_LIST_FLAGS) {
    if (field === 'inboundPortsInclude' && config[field] === '*') continue;
    errors.push(...portListErrors(flag, config[field]));
  }
  for (const [field, flag] of IFACE_FLAGS) {
    for (const name of splitList(config[field])) {
      if (!/^[^\s/]{1,15}$/.test(name)) errors.push(`${flag}: '${name}' is not an interface name`);
    }
  }
  errors.push(...cidrListErrors('--istio-service-cidr/-i', config.outboundIpRangesInclude, true));
  errors.push(...cidrListErrors('--istio-service-exclude-cidr/-x', config.outboundIpRangesExclude, false));
  errors.push(...idListErrors('--proxy-uid/-u', config.proxyUid));
  errors.push(...idListErrors('--proxy-gid/-g', config.proxyGid));
  if (!['', 'REDIRECT', 'TPROXY'].includes(config.inboundInterceptionMode)) {
    errors.push(`--istio-inbound-interception-mode/-m: unknown mode '${config.inboundInterceptionMode}' (use REDIRECT or TPROXY)`);
  }
  const mark = uint32Error('--istio-inbound-tproxy-mark/-t', config.inboundTProxyMark, 0);
  if (mark) errors.push(mark);
  const table = uint32Error('--istio-inbound-tproxy-route-table/-r', config.inboundTProxyRouteTable, 1);
  if (table) errors.push(table);
  if (!['', 'legacy', 'nft'].includes(config.forceIptablesBinary)) {
    errors.push(`--force-iptables-binary: '${config.forceIptablesBinary}' must be legacy or nft`);
  }
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(config.probeTimeout) && config.probeTimeout !== '0') {
    errors.push(`--probe-timeout: '${config.probeTimeout}' is not a duration (e.g. 5s, 500ms)`);
  }
  if (config.ownerGroupsInclude !== '*' && splitList(config.ownerGroupsInclude).length > MAX_OWNER_GROUPS) {
    errors.push(`ISTIO_OUTBOUND_OWNER_GROUPS: at most ${MAX_OWNER_GROUPS} groups may be listed`);
  }
  const lo = loopbackCidrError(config.hostIpv4LoopbackCidr);
  if (lo) errors.push(lo);
  return errors;
}
