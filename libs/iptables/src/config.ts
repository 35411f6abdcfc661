/**
 * The capture configuration (Istio's `tools/common/config.Config`), with the same string-typed fields
 * so values are printed verbatim in rules, and its defaults.
 */

/** Everything that decides which rules are generated and how they are applied. */
export interface IptablesConfig {
  readonly proxyPort: string;
  readonly inboundCapturePort: string;
  readonly inboundTunnelPort: string;
  readonly proxyUid: string;
  readonly proxyGid: string;
  readonly inboundInterceptionMode: string;
  readonly inboundTProxyMark: string;
  readonly inboundTProxyRouteTable: string;
  readonly inboundPortsInclude: string;
  readonly inboundPortsExclude: string;
  readonly ownerGroupsInclude: string;
  readonly ownerGroupsExclude: string;
  readonly outboundPortsInclude: string;
  readonly outboundPortsExclude: string;
  readonly outboundIpRangesInclude: string;
  readonly outboundIpRangesExclude: string;
  readonly rerouteVirtualInterfaces: string;
  readonly excludeInterfaces: string;
  readonly iptablesProbePort: string;
  readonly probeTimeout: string;
  readonly dryRun: boolean;
  readonly skipRuleApply: boolean;
  readonly runValidation: boolean;
  readonly redirectDns: boolean;
  readonly dropInvalid: boolean;
  readonly captureAllDns: boolean;
  readonly dualStack: boolean;
  readonly enableIpv6: boolean;
  readonly dnsServersV4: readonly string[];
  readonly dnsServersV6: readonly string[];
  readonly networkNamespace: string;
  readonly hostFilesystemPodNetwork: boolean;
  readonly hostIpv4LoopbackCidr: string;
  readonly reconcile: boolean;
  readonly cleanupOnly: boolean;
  readonly forceApply: boolean;
  readonly nativeNftables: boolean;
  readonly forceIptablesBinary: string;
}

/** Fields of {@link IptablesConfig} that hold booleans. */
export type IptablesBoolField = {
  [K in keyof IptablesConfig]: IptablesConfig[K] extends boolean ? K : never;
}[keyof IptablesConfig];

/** Fields of {@link IptablesConfig} that hold strings. */
export type IptablesStringField = {
  [K in keyof IptablesConfig]: IptablesConfig[K] extends string ? K : never;
}[keyof IptablesConfig];

/** The UID used when `-u` is empty and user $ENVOY_USER does not exist. */
export const DEFAULT_PROXY_UID = '1337';

/**
 * The CLI defaults (istio-iptables flag defaults; `proxyUid`/`proxyGid` "" mean "look up"; IPv6 off and no DNS
 * servers until the host inputs are applied).
 */
export function createDefaultConfig(): IptablesConfig {
  return {
    proxyPort: '15001',
    inboundCapturePort: '15006',
    inboundTunnelPort: '15008',
    proxyUid: '',
    proxyGid: '',
    inboundInterceptionMode: '',
    inboundTProxyMark: '1337',
    inboundTProxyRouteTable: '133',
    inboundPortsInclude: '',
    inboundPortsExclude: '',
    ownerGroupsInclude: '*',
    ownerGroupsExclude: '',
    outboundPortsInclude: '',
    outboundPortsExclude: '',
    outboundIpRangesInclude: '',
    outboundIpRangesExclude: '',
    rerouteVirtualInterfaces: '',
    excludeInterfaces: '',
    iptablesProbePort: '15002',
    probeTimeout: '5s',
    dryRun: false,
    skipRuleApply: false,
    runValidation: false,
    redirectDns: false,
    dropInvalid: false,
    captureAllDns: false,
    dualStack: false,
    enableIpv6: false,
    dnsServersV4: [],
    dnsServersV6: [],
    networkNamespace: '',
    hostFilesystemPodNetwork: false,
    hostIpv4LoopbackCidr: '127.0.0.1/32',
    reconcile: false,
    cleanupOnly: false,
    forceApply: false,
    nativeNftables: false,
    forceIptablesBinary: '',
  };
}

/** Splits an istio-iptables comma list, dropping empty items (`6000,7000,` is two items). */
export function splitList(s: string): string[] {
  return s.split(',').filter((x) => x !== '');
}

/** True when inbound interception uses TPROXY (exactly `TPROXY`; anything else is REDIRECT). */
export function isTproxyMode(config: IptablesConfig): boolean {
  return config.inboundInterceptionMode === 'TPROXY';
}

/** The proxy's owner matches: `--uid-owner` per UID, then `--gid-owner` per GID. */
export function listProxyOwners(config: IptablesConfig): (readonly ['--uid-owner' | '--gid-owner', string])[] {
  return [
    ...splitList(config.proxyUid).map((id) => ['--uid-owner', id] as const),
    ...splitList(config.proxyGid).map((id) => ['--gid-owner', id] as const),
  ];
}
