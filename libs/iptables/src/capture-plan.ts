import { isTproxyMode, type IptablesConfig } from './config.js';
import { buildCaptureRules } from './capture-rules.js';
import { buildCleanupCommands, buildRestoreText, type IptablesRule } from './rule-builder.js';

/** Everything a run needs, derived from one validated config. */
export interface CapturePlan {
  readonly config: IptablesConfig;
  readonly rulesV4: readonly IptablesRule[];
  /** Empty unless IPv6 is enabled. */
  readonly rulesV6: readonly IptablesRule[];
  /** iptables-restore input ("" when there are no rules). */
  readonly restoreV4: string;
  readonly restoreV6: string;
  /** Clean-up commands (iptables arguments). */
  readonly cleanupV4: readonly string[][];
  readonly cleanupV6: readonly string[][];
  /** `ip` commands (arguments) run after the rules: the `::6` address and the TPROXY policy routing. */
  readonly ipSetup: readonly string[][];
  /** `ip` commands undoing {@link CapturePlan.ipSetup}, in reverse order. */
  readonly ipCleanup: readonly string[][];
}

/** Builds the TPROXY routing and `::6` commands (istio/istio tools/common/tproxy), setup and teardown. */
function buildIpCommands(config: IptablesConfig): { setup: string[][]; cleanup: string[][] } {
  const setup: string[][] = [];
  const cleanup: string[][] = [];
  const families = config.enableIpv6 ? (['-4', '-6'] as const) : (['-4'] as const);
  if (config.enableIpv6) {
    setup.push(['-6', 'addr', 'add', '::6/128', 'dev', 'lo']);
    cleanup.push(['-6', 'addr', 'del', '::6/128', 'dev', 'lo']);
  }
  if (isTproxyMode(config) && config.inboundPortsInclude !== '') {
    const table = config.inboundTProxyRouteTable;
    for (const f of families) {
      const any = f === '-4' ? '0.0.0.0/0' : '::/0';
      setup.push([f, 'rule', 'add', 'fwmark', config.inboundTProxyMark, 'lookup', table]);
      setup.push([f, 'route', 'add', 'local', any, 'dev', 'lo', 'table', table]);
      cleanup.push([f, 'rule', 'del', 'fwmark', config.inboundTProxyMark, 'lookup', table]);
      cleanup.push([f, 'route', 'del', 'local', any, 'dev', 'lo', 'table', table]);
    }
  }
  return { setup, cleanup: cleanup.reverse() };
}

/** Derives the rule sets, restore texts, clean-up commands and `ip` commands of a validated config. */
export function buildCapturePlan(config: IptablesConfig): CapturePlan {
  const builder = buildCaptureRules(config);
  const rulesV4 = builder.rules('v4');
  const rulesV6 = builder.rules('v6');
  const ip = buildIpCommands(config);
  return {
    config,
    rulesV4,
    rulesV6,
    restoreV4: buildRestoreText(rulesV4),
    restoreV6: buildRestoreText(rulesV6),
    cleanupV4: buildCleanupCommands(rulesV4),
    cleanupV6: buildCleanupCommands(rulesV6),
    ipSetup: ip.setup,
    ipCleanup: ip.cleanup,
  };
}

/**
 * The transcript istio-iptables' dry-run stub records on a clean host: the state checks (`iptables-save`,
 * `ip6tables-save`), then the restore input of each family (or, with --cleanup-only, the clean-up commands), then
 * the final `iptables-save` (and `ip6tables-save` with IPv6). Each line ends in `\n`.
 */
export function buildDryRunTranscript(plan: CapturePlan): string {
  const { config } = plan;
  if (config.skipRuleApply) return '';
  const v6 = config.enableIpv6;
  let out = 'iptables-save\nip6tables-save\n';
  if (config.cleanupOnly) {
    for (const cmd of plan.cleanupV4) out += `iptables ${cmd.join(' ')}\n`;
    if (v6) for (const cmd of plan.cleanupV6) out += `ip6tables ${cmd.join(' ')}\n`;
  } else {
    out += plan.restoreV4;
    if (v6) out += plan.restoreV6;
  }
  out += v6 ? 'iptables-save\nip6tables-save\n' : 'iptables-save\n';
  return out;
}
