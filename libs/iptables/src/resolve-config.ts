import { createDefaultConfig, DEFAULT_PROXY_UID, type IptablesConfig } from './config.js';
import { IPTABLES_FLAGS } from './flags.js';
import { isLinkLocalAddress, isLoopbackAddress, parseAddress } from './ip-address.js';

/** Flag values given explicitly on the command line, keyed by long flag name (`envoy-port`, `dry-run`, ...). */
export type ExplicitFlags = Readonly<Record<string, string | boolean | undefined>>;

/** The environment, as in `process.env`. */
export type EnvRecord = Readonly<Record<string, string | undefined>>;

/** Result of turning flags and env into a config: the config, or the reasons it is invalid. */
export type ResolveResult =
  | { readonly ok: true; readonly config: IptablesConfig }
  | { readonly ok: false; readonly errors: readonly string[] };

/** Parses a boolean like Go's strconv.ParseBool; undefined when it is not one. */
export function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(s)) return false;
  return undefined;
}

/**
 * Applies env bindings, then explicit flags, over the defaults (istio/istio pkg/flag semantics: env vars are read in
 * order, a later "also" env var overrides the primary one, and an explicit flag overrides any env var). Also reads
 * the inputs no flag can express: ISTIO_OUTBOUND_OWNER_GROUPS(_EXCLUDE) and ISTIO_OUTBOUND_IPV4_LOOPBACK_CIDR.
 */
export function resolveIptablesFlags(flags: ExplicitFlags, env: EnvRecord): ResolveResult {
  const config: Record<string, unknown> = { ...createDefaultConfig() };
  const errors: string[] = [];
  for (const spec of IPTABLES_FLAGS) {
    for (const name of spec.env) {
      const value = env[name];
      if (value === undefined) continue;
      if (spec.kind === 'string') {
        config[spec.field] = value;
      } else {
        const b = parseGoBool(value);
        if (b === undefined) errors.push(`env ${name}=${JSON.stringify(value)} (for --${spec.long}) is not a boolean`);
        else config[spec.field] = b;
      }
    }
    const given = flags[spec.long];
    if (given === undefined) continue;
    if (spec.kind === 'string') {
      if (typeof given !== 'string') errors.push(`--${spec.long} needs a value`);
      else config[spec.field] = given;
    } else if (typeof given === 'boolean') {
      config[spec.field] = given;
    } else {
      const b = parseGoBool(given);
      if (b === undefined) errors.push(`--${spec.long}=${JSON.stringify(given)}: not a boolean (use true or false)`);
      else config[spec.field] = b;
    }
  }
  const groups = env['ISTIO_OUTBOUND_OWNER_GROUPS'];
  if (groups !== undefined) config['ownerGroupsInclude'] = groups;
  const groupsExclude = env['ISTIO_OUTBOUND_OWNER_GROUPS_EXCLUDE'];
  if (groupsExclude !== undefined) config['ownerGroupsExclude'] = groupsExclude;
  const loopback = env['ISTIO_OUTBOUND_IPV4_LOOPBACK_CIDR'];
  if (loopback !== undefined) config['hostIpv4LoopbackCidr'] = loopback;
  return errors.length ? { ok: false, errors } : { ok: true, config: config as unknown as IptablesConfig };
}

/** What istio-iptables detects from the host: IPv6 on/off, resolv.conf name servers, the UID of $ENVOY_USER. */
export interface HostInputs {
  readonly enableIpv6: boolean;
  /** Name server addresses in resolv.conf order; unparsable ones are dropped. */
  readonly dnsServers: readonly string[];
  /** UID of user $ENVOY_USER when it exists (used when --proxy-uid is empty). */
  readonly envoyUserUid?: string;
}

/**
 * Completes a flag-resolved config with the host inputs: IPv6, DNS servers (canonicalised and split by family, only
 * used with --redirect-dns and without --capture-all-dns), and the UID/GID defaults.
 */
export function applyHostInputs(config: IptablesConfig, host: HostInputs): IptablesConfig {
  const v4: string[] = [];
  const v6: string[] = [];
  if (config.redirectDns && !config.captureAllDns) {
    for (const s of host.dnsServers) {
      const a = parseAddress(s);
      if (a?.family === 'v4') v4.push(a.text);
      else if (a?.family === 'v6') v6.push(a.text);
    }
  }
  const proxyUid = config.proxyUid === '' ? (host.envoyUserUid ?? DEFAULT_PROXY_UID) : config.proxyUid;
  const proxyGid = config.proxyGid === '' ? proxyUid : config.proxyGid;
  return { ...config, enableIpv6: host.enableIpv6, dnsServersV4: v4, dnsServersV6: v6, proxyUid, proxyGid };
}

/** One host interface address, as `os.networkInterfaces()` lists them. */
export interface HostAddress {
  readonly address: string;
}

/**
 * Istio's IPv6 decision from the host addresses (in order, loopback and link-local skipped): without dual-stack the
 * first usable address decides; with dual-stack any usable IPv6 address enables it. Undefined when no usable address
 * exists (istio-iptables then fails with "no valid local IP address found").
 */
export function decideEnableIpv6(addresses: readonly HostAddress[], dualStack: boolean): boolean | undefined {
  const usable = addresses
    .map((a) => parseAddress(a.address.split('%')[0] ?? ''))
    .filter((a) => a !== undefined && !isLoopbackAddress(a) && !isLinkLocalAddress(a));
  if (usable.length === 0) return undefined;
  if (dualStack) return usable.some((a) => a?.family === 'v6');
  return usable[0]?.family === 'v6';
}
