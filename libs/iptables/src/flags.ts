import type { IptablesBoolField, IptablesStringField } from './config.js';

/** One istio-iptables flag: names, env binding, default and the config field it sets. */
export type IptablesFlagSpec =
  | {
      readonly kind: 'string';
      readonly long: string;
      readonly short?: string;
      readonly field: IptablesStringField;
      /** Env vars read in order; a later one overrides an earlier one; an explicit flag overrides all. */
      readonly env: readonly string[];
      readonly defaultText: string;
      readonly description: string;
    }
  | {
      readonly kind: 'bool';
      readonly long: string;
      readonly short?: string;
      readonly field: IptablesBoolField;
      readonly env: readonly string[];
      readonly defaultText: string;
      readonly description: string;
    };

const str = (long: string, short: string | undefined, field: IptablesStringField, env: readonly string[],
  defaultText: string, description: string): IptablesFlagSpec =>
  short === undefined ? { kind: 'string', long, field, env, defaultText, description }
    : { kind: 'string', long, short, field, env, defaultText, description };

const bool = (long: string, short: string | undefined, field: IptablesBoolField, env: readonly string[],
  description: string): IptablesFlagSpec =>
  short === undefined ? { kind: 'bool', long, field, env, defaultText: 'false', description }
    : { kind: 'bool', long, short, field, env, defaultText: 'false', description };

/** Env var name Istio binds to a flag: the long name upper-cased with `-` turned into `_`. */
const envOf = (long: string): string => long.toUpperCase().replace(/-/g, '_');

/** Every istio-iptables flag, in `--help` order (istio/istio tools/istio-iptables/pkg/cmd/root.go). */
export const IPTABLES_FLAGS: readonly IptablesFlagSpec[] = [
  str('envoy-port', 'p', 'proxyPort', [], '15001', 'Envoy port to which all outbound TCP traffic is redirected'),
  str('inbound-capture-port', 'z', 'inboundCapturePort', [envOf('inbound-capture-port')], '15006',
    'Port to which all inbound TCP traffic is redirected'),
  str('inbound-tunnel-port', 'e', 'inboundTunnelPort', [envOf('inbound-tunnel-port')], '15008',
    'HBONE tunnel port; inbound traffic to it is never captured'),
  str('proxy-uid', 'u', 'proxyUid', [envOf('proxy-uid')], '"" (uid of $ENVOY_USER, else 1337)',
    'Comma-separated UIDs whose traffic is not captured'),
  str('proxy-gid', 'g', 'proxyGid', [envOf('proxy-gid')], '"" (same as --proxy-uid)',
    'Comma-separated GIDs whose traffic is not captured'),
  str('istio-inbound-interception-mode', 'm', 'inboundInterceptionMode', [envOf('istio-inbound-interception-mode')], '""',
    'Inbound interception mode: REDIRECT or TPROXY'),
  str('istio-inbound-ports', 'b', 'inboundPortsInclude', [envOf('istio-inbound-ports')], '""',
    'Comma-separated inbound ports to redirect; "*" for all; "" for none'),
  str('istio-local-exclude-ports', 'd', 'inboundPortsExclude', [envOf('istio-local-exclude-ports')], '""',
    'Comma-separated inbound ports to exclude (only with -b "*")'),
  str('istio-exclude-interfaces', 'c', 'excludeInterfaces', [envOf('istio-exclude-interfaces')], '""',
    'Comma-separated interfaces never captured, inbound or outbound'),
  str('istio-service-cidr', 'i', 'outboundIpRangesInclude', [envOf('istio-service-cidr')], '""',
    'Comma-separated outbound CIDRs to redirect; "*" for all; "" for none'),
  str('istio-service-exclude-cidr', 'x', 'outboundIpRangesExclude', [envOf('istio-service-exclude-cidr')], '""',
    'Comma-separated outbound CIDRs never redirected'),
  str('istio-outbound-ports', 'q', 'outboundPortsInclude', [envOf('istio-outbound-ports')], '""',
    'Comma-separated outbound TCP ports redirected regardless of destination'),
  str('istio-local-outbound-ports-exclude', 'o', 'outboundPortsExclude', [envOf('istio-local-outbound-ports-exclude')], '""',
    'Comma-separated outbound ports (TCP and UDP) never redirected'),
  str('kube-virt-interfaces', 'k', 'rerouteVirtualInterfaces', [envOf('kube-virt-interfaces')], '""',
    'Comma-separated virtual interfaces whose inbound traffic is treated as outbound'),
  str('istio-inbound-tproxy-mark', 't', 'inboundTProxyMark', [envOf('istio-inbound-tproxy-mark')], '1337',
    'Packet mark used by TPROXY'),
  str('istio-inbound-tproxy-route-table', 'r', 'inboundTProxyRouteTable', [envOf('istio-inbound-tproxy-route-table')], '133',
    'Policy routing table used by TPROXY'),
  bool('dry-run', 'n', 'dryRun', [envOf('dry-run')], 'Print the commands instead of running them'),
  str('iptables-probe-port', undefined, 'iptablesProbePort', [envOf('iptables-probe-port')], '15002',
    'Port used to probe the rules with --run-validation'),
  str('probe-timeout', undefined, 'probeTimeout', [envOf('probe-timeout')], '5s', 'Timeout of --run-validation'),
  bool('skip-rule-apply', undefined, 'skipRuleApply', [envOf('skip-rule-apply')], 'Do not program any rule'),
  bool('run-validation', undefined, 'runValidation', [envOf('run-validation')],
    'After programming, check that redirection works'),
  bool('redirect-dns', undefined, 'redirectDns', [envOf('redirect-dns'), 'ISTIO_META_DNS_CAPTURE'],
    'Redirect DNS traffic to the agent on port 15053'),
  bool('capture-all-dns', undefined, 'captureAllDns', [envOf('capture-all-dns')],
    'Capture all port-53 traffic, not only to the resolv.conf name servers'),
  bool('drop-invalid', undefined, 'dropInvalid', [envOf('drop-invalid'), 'INVALID_DROP'],
    'Drop packets conntrack marks INVALID'),
  bool('dual-stack', undefined, 'dualStack', [envOf('dual-stack'), 'ISTIO_DUAL_STACK'],
    'Enable IPv6 rules when any global IPv6 address exists'),
  str('network-namespace', undefined, 'networkNamespace', [envOf('network-namespace')], '""',
    'Network namespace path (CNI)'),
  bool('cni-mode', undefined, 'hostFilesystemPodNetwork', [envOf('cni-mode')], 'Run as called from istio-cni'),
  bool('reconcile', undefined, 'reconcile', [envOf('reconcile')],
    'If drifted rules exist, clean them up and apply again'),
  bool('cleanup-only', undefined, 'cleanupOnly', [envOf('cleanup-only')],
    'Only delete the rules these flags would create'),
  bool('force-apply', undefined, 'forceApply', [envOf('force-apply')], 'Apply even if the rules look already present'),
  bool('native-nftables', undefined, 'nativeNftables', [envOf('native-nftables')],
    'Use the nftables backend (not supported by minipilot)'),
  str('force-iptables-binary', undefined, 'forceIptablesBinary', [envOf('force-iptables-binary')], '""',
    'Force the iptables flavour: legacy or nft'),
];
