/**
 * The rule builder (Istio's `builder.IptablesRuleBuilder`): collects v4/v6 rules in generation order and renders
 * them as iptables-restore text, iptables-like commands, `-C` checks and the clean-up command list.
 */

/** One rule: its table and chain, and its full parameters (`-A CHAIN ...` or `-I CHAIN N ...`). */
export interface IptablesRule {
  readonly table: string;
  readonly chain: string;
  readonly params: readonly string[];
}

/** IP family of a rule set. */
export type IpFamily = 'v4' | 'v6';

/** Chains iptables has built in (never declared, flushed or deleted). */
export const BUILTIN_CHAINS: ReadonlySet<string> = new Set(['INPUT', 'OUTPUT', 'FORWARD', 'PREROUTING', 'POSTROUTING']);

/** Targets that are never declared with `-N` when they end a rule. */
const BUILTIN_TARGETS: ReadonlySet<string> = new Set([...BUILTIN_CHAINS, 'ACCEPT', 'RETURN', 'DROP']);

/** Prefix of the chains istio-iptables owns. */
export const ISTIO_CHAIN_PREFIX = 'ISTIO_';

/** Collects rules for both families; v6 calls are ignored unless IPv6 is enabled. */
export interface RuleBuilder {
  appendV4(chain: string, table: string, ...params: string[]): RuleBuilder;
  appendV6(chain: string, table: string, ...params: string[]): RuleBuilder;
  insertV4(chain: string, table: string, position: number, ...params: string[]): RuleBuilder;
  insertV6(chain: string, table: string, position: number, ...params: string[]): RuleBuilder;
  /** Appends to the given family's list. */
  append(family: IpFamily, chain: string, table: string, ...params: string[]): RuleBuilder;
  /** Inserts into the given family's list. */
  insert(family: IpFamily, chain: string, table: string, position: number, ...params: string[]): RuleBuilder;
  rules(family: IpFamily): readonly IptablesRule[];
}

/** Creates an empty {@link RuleBuilder}. */
export function createRuleBuilder(options: { readonly enableIpv6: boolean }): RuleBuilder {
  const lists: Record<IpFamily, IptablesRule[]> = { v4: [], v6: [] };
  const add = (family: IpFamily, rule: IptablesRule): void => {
    if (family === 'v6' && !options.enableIpv6) return;
    lists[family].push(rule);
  };
  const builder: RuleBuilder = {
    append(family, chain, table, ...params) {
      add(family, { table, chain, params: ['-A', chain, ...params] });
      return builder;
    },
    insert(family, chain, table, position, ...params) {
      add(family, { table, chain, params: ['-I', chain, String(position), ...params] });
      return builder;
    },
    appendV4: (chain, table, ...params) => builder.append('v4', chain, table, ...params),
    appendV6: (chain, table, ...params) => builder.append('v6', chain, table, ...params),
    insertV4: (chain, table, position, ...params) => builder.insert('v4', chain, table, position, ...params),
    insertV6: (chain, table, position, ...params) => builder.insert('v6', chain, table, position, ...params),
    rules: (family) => lists[family],
  };
  return builder;
}

/** The rule's parameters after `-A CHAIN` / `-I CHAIN N` (its match and target). */
export function ruleSpec(rule: IptablesRule): readonly string[] {
  return rule.params.slice(rule.params[0] === '-I' ? 3 : 2);
}

/** The `-j` target of a rule, if any. */
function jumpTarget(rule: IptablesRule): string | undefined {
  const i = rule.params.indexOf('-j');
  return i >= 0 ? rule.params[i + 1] : undefined;
}

/** Chains to declare for rules of one table: chains with rules in first-use order, then undeclared final targets. */
function chainsToDeclare(rules: readonly IptablesRule[]): string[] {
  const out: string[] = [];
  for (const r of rules) if (!BUILTIN_CHAINS.has(r.chain) && !out.includes(r.chain)) out.push(r.chain);
  for (const r of rules) {
    const last = r.params[r.params.length - 1];
    if (r.params[r.params.length - 2] === '-j' && last !== undefined && !BUILTIN_TARGETS.has(last) && !out.includes(last)) {
      out.push(last);
    }
  }
  return out;
}

/** Renders rules as iptables-restore input: tables in name order, `-N` lines, rules, `COMMIT`. "" when empty. */
export function buildRestoreText(rules: readonly IptablesRule[]): string {
  const tables = [...new Set(rules.map((r) => r.table))].sort();
  let out = '';
  for (const table of tables) {
    const inTable = rules.filter((r) => r.table === table);
    out += `* ${table}\n`;
    for (const chain of chainsToDeclare(inTable)) out += `-N ${chain}\n`;
    for (const r of inTable) out += `${r.params.join(' ')}\n`;
    out += 'COMMIT\n';
  }
  return out;
}

/** Renders rules as iptables arguments: `-t T -N CHAIN` for each new chain first, then `-t T <rule>`. */
export function buildCommandLines(rules: readonly IptablesRule[]): string[][] {
  const declared: string[][] = [];
  const seen = new Set<string>();
  for (const r of rules) {
    const key = `${r.table}\0${r.chain}`;
    if (BUILTIN_CHAINS.has(r.chain) || seen.has(key)) continue;
    seen.add(key);
    declared.push(['-t', r.table, '-N', r.chain]);
  }
  return [...declared, ...rules.map((r) => ['-t', r.table, ...r.params])];
}

/** `-C` commands that check each rule exists (`-t T -C CHAIN <spec>`). */
export function buildCheckCommands(rules: readonly IptablesRule[]): string[][] {
  return rules.map((r) => ['-t', r.table, '-C', r.chain, ...ruleSpec(r)]);
}

/**
 * Clean-up commands for rules created from this rule set: rules in reverse order become `-D`, except rules inside
 * ISTIO_* chains that do not jump to an ISTIO_* chain (the flush removes them); then `-F` and `-X` of every
 * non-built-in chain in order of first appearance in the reversed list.
 */
export function buildCleanupCommands(rules: readonly IptablesRule[]): string[][] {
  const reversed = [...rules].reverse();
  const out: string[][] = [];
  for (const r of reversed) {
    const inIstioChain = r.chain.startsWith(ISTIO_CHAIN_PREFIX);
    if (inIstioChain && !(jumpTarget(r) ?? '').startsWith(ISTIO_CHAIN_PREFIX)) continue;
    out.push(['-t', r.table, '-D', r.chain, ...ruleSpec(r)]);
  }
  const chains: [string, string][] = [];
  for (const r of reversed) {
    if (BUILTIN_CHAINS.has(r.chain) || chains.some(([t, c]) => t === r.table && c === r.chain)) continue;
    chains.push([r.table, r.chain]);
  }
  for (const [table, chain] of chains) out.push(['-t', table, '-F', chain], ['-t', table, '-X', chain]);
  return out;
}
