export {
  createDefaultConfig, DEFAULT_PROXY_UID, isTproxyMode, listProxyOwners, splitList,
  type IptablesBoolField, type IptablesConfig, type IptablesStringField,
} from './config.js';
export { IPTABLES_FLAGS, type IptablesFlagSpec } from './flags.js';
export {
  applyHostInputs, decideEnableIpv6, parseGoBool, resolveIptablesFlags,
  type EnvRecord, type ExplicitFlags, type HostAddress, type HostInputs, type ResolveResult,
} from './resolve-config.js';
export { validateIptablesConfig } from './validate-config.js';
export {
  isLinkLocalAddress, isLoopbackAddress, parseAddress, parsePrefix, type ParsedAddress, type ParsedPrefix,
} from './ip-address.js';
export { splitRangesByFamily, type FamilyRanges } from './ip-ranges.js';
export {
  BUILTIN_CHAINS, buildCheckCommands, buildCleanupCommands, buildCommandLines, buildRestoreText, createRuleBuilder,
  ISTIO_CHAIN_PREFIX, ruleSpec, type IpFamily, type IptablesRule, type RuleBuilder,
} from './rule-builder.js';
export { buildCaptureRules, CHAINS } from './capture-rules.js';
export { DNS_PROXY_PORT, isDnsCaptureEffective } from './dns-rules.js';
export { buildCapturePlan, buildDryRunTranscript, type CapturePlan } from './capture-plan.js';
export { parseResolvConf } from './resolv-conf.js';
export { findStateDrift, hasResidue, parseCaptureState, type CaptureState } from './capture-state.js';
