import { IPTABLES_FLAGS, resolveIptablesFlags, validateIptablesConfig, type IptablesStringField } from '@minipilot/iptables';
import type { InjectionValues } from './values.js';

/** The traffic annotations istiod turns into istio-iptables flags. */
export const TRAFFIC_ANNOTATIONS = {
  interceptionMode: 'sidecar.istio.io/interceptionMode',
  includeOutboundIPRanges: 'traffic.sidecar.istio.io/includeOutboundIPRanges',
  excludeOutboundIPRanges: 'traffic.sidecar.istio.io/excludeOutboundIPRanges',
  includeInboundPorts: 'traffic.sidecar.istio.io/includeInboundPorts',
  excludeInboundPorts: 'traffic.sidecar.istio.io/excludeInboundPorts',
  includeOutboundPorts: 'traffic.sidecar.istio.io/includeOutboundPorts',
  excludeOutboundPorts: 'traffic.sidecar.istio.io/excludeOutboundPorts',
  kubevirtInterfaces: 'traffic.sidecar.istio.io/kubevirtInterfaces',
  excludeInterfaces: 'traffic.sidecar.istio.io/excludeInterfaces',
  statusPort: 'status.sidecar.istio.io/port',
} as const;

/** The istio-init arguments, or the reasons the annotations cannot be applied. */
export type IptablesArgsResult = { readonly ok: true; readonly args: string[] } | { readonly ok: false; readonly errors: readonly string[] };

const short = (field: IptablesStringField): string => {
  const spec = IPTABLES_FLAGS.find((f) => f.field === field);
  if (!spec?.short) throw new Error(`istio-iptables has no short flag for ${field}`);
  return `-${spec.short}`;
};

/**
 * The `istio-init` arguments of Istio's sidecar template: `istio-iptables -p 15001 -z 15006 -u 1337
 * -m <mode> -i <ranges> -x <ranges> -b <ports> -d 15090,15021[,<status port>][,<excluded>]` and, when
 * set, `-q`, `-o`, `-k`, `-c`, then `--log_output_level`. Annotations override the values. The flag
 * names come from libs/iptables, and the resulting configuration is checked with its validation, so
 * a pod whose annotations istio-iptables would reject is refused at admission, naming the annotation.
 */
export function iptablesArgs(annotations: Readonly<Record<string, string>>, values: InjectionValues, interceptionMode: string, proxyListenPort: number, agentLogLevel: string): IptablesArgsResult {
  const a = (key: keyof typeof TRAFFIC_ANNOTATIONS, fallback: string): string => annotations[TRAFFIC_ANNOTATIONS[key]] ?? fallback;
  const statusPort = a('statusPort', String(values.statusPort));
  const excluded = [statusPort === '0' ? '' : statusPort, a('excludeInboundPorts', values.excludeInboundPorts)].filter((p) => p !== '').join(',');
  const pairs: [IptablesStringField, string, string][] = [
    ['proxyPort', String(proxyListenPort), ''],
    ['inboundCapturePort', '15006', ''],
    ['proxyUid', '1337', ''],
    ['inboundInterceptionMode', interceptionMode, ''],
    ['outboundIpRangesInclude', a('includeOutboundIPRanges', values.includeIPRanges), TRAFFIC_ANNOTATIONS.includeOutboundIPRanges],
    ['outboundIpRangesExclude', a('excludeOutboundIPRanges', values.excludeIPRanges), TRAFFIC_ANNOTATIONS.excludeOutboundIPRanges],
    ['inboundPortsInclude', a('includeInboundPorts', values.includeInboundPorts), TRAFFIC_ANNOTATIONS.includeInboundPorts],
    ['inboundPortsExclude', excluded === '' ? '15090,15021' : `15090,15021,${excluded}`, TRAFFIC_ANNOTATIONS.excludeInboundPorts],
  ];
  const optional: [IptablesStringField, string | undefined, string][] = [
    ['outboundPortsInclude', annotations[TRAFFIC_ANNOTATIONS.includeOutboundPorts] ?? (values.includeOutboundPorts || undefined), TRAFFIC_ANNOTATIONS.includeOutboundPorts],
    ['outboundPortsExclude', annotations[TRAFFIC_ANNOTATIONS.excludeOutboundPorts] ?? (values.excludeOutboundPorts || undefined), TRAFFIC_ANNOTATIONS.excludeOutboundPorts],
    ['rerouteVirtualInterfaces', annotations[TRAFFIC_ANNOTATIONS.kubevirtInterfaces], TRAFFIC_ANNOTATIONS.kubevirtInterfaces],
    ['excludeInterfaces', annotations[TRAFFIC_ANNOTATIONS.excludeInterfaces], TRAFFIC_ANNOTATIONS.excludeInterfaces],
  ];
  const used = [...pairs, ...optional.filter((o): o is [IptablesStringField, string, string] => o[1] !== undefined)];
  const errors: string[] = [];
  for (const [field, value, annotation] of used) {
    const spec = IPTABLES_FLAGS.find((f) => f.field === field)!;
    const resolved = resolveIptablesFlags({ [spec.long]: value }, {});
    const problems = resolved.ok ? validateIptablesConfig(resolved.config) : resolved.errors;
    if (problems.length > 0 && annotation !== '') errors.push(`annotation ${annotation}=${JSON.stringify(value)}: ${problems.join('; ')}`);
  }
  if (!['REDIRECT', 'TPROXY', 'NONE'].includes(interceptionMode)) errors.push(`annotation ${TRAFFIC_ANNOTATIONS.interceptionMode}=${JSON.stringify(interceptionMode)}: must be REDIRECT, TPROXY or NONE`);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, args: ['istio-iptables', ...used.flatMap(([field, value]) => [short(field), value]), `--log_output_level=${agentLogLevel}`] };
}
