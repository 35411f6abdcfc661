import { ISTIO_CHAIN_PREFIX, type IptablesRule } from './rule-builder.js';

/** ISTIO_* content of an `iptables-save` dump (tables filter, nat, mangle, raw). */
export interface CaptureState {
  /** `table/chain` of every ISTIO_* chain. */
  readonly istioChains: ReadonlySet<string>;
  /** Number of rules per `table/chain` (ISTIO_* chains only). */
  readonly ruleCounts: ReadonlyMap<string, number>;
  /** Rules in built-in chains that jump to an ISTIO_* chain. */
  readonly istioJumps: number;
}

const TABLES = new Set(['filter', 'nat', 'mangle', 'raw']);

/** Parses the ISTIO_* chains and rules out of `iptables-save` output. */
export function parseCaptureState(save: string): CaptureState {
  const istioChains = new Set<string>();
  const ruleCounts = new Map<string, number>();
  let istioJumps = 0;
  let table = '';
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) { table = line.slice(1).trim(); continue; }
    if (!TABLES.has(table)) continue;
    const chainDecl = /^:(\S+)/.exec(line);
    if (chainDecl?.[1]?.startsWith(ISTIO_CHAIN_PREFIX)) istioChains.add(`${table}/${chainDecl[1]}`);
    const rule = /^-A (\S+)(.*)$/.exec(line);
    if (!rule) continue;
    const chain = rule[1] ?? '';
    if (chain.startsWith(ISTIO_CHAIN_PREFIX)) {
      const key = `${table}/${chain}`;
      ruleCounts.set(key, (ruleCounts.get(key) ?? 0) + 1);
    } else if (/ -j ISTIO_/.test(rule[2] ?? '')) {
      istioJumps++;
    }
  }
  return { istioChains, ruleCounts, istioJumps };
}

/** True when a dump holds anything istio-iptables would have created. */
export function hasResidue(state: CaptureState): boolean {
  return state.istioChains.size > 0 || state.istioJumps > 0;
}

/**
 * Differences between a dump and the planned rules, by chain shape: a planned ISTIO_* chain missing or with another
 * rule count, or an ISTIO_* chain the plan does not have. (Rules in built-in chains are checked with `-C` by the caller.)
 */
export function findStateDrift(state: CaptureState, rules: readonly IptablesRule[]): string[] {
  const planned = new Map<string, number>();
  for (const r of rules) {
    if (!r.chain.startsWith(ISTIO_CHAIN_PREFIX)) continue;
    const key = `${r.table}/${r.chain}`;
    planned.set(key, (planned.get(key) ?? 0) + 1);
  }
  const drift: string[] = [];
  for (const [key, count] of planned) {
    if (!state.istioChains.has(key)) drift.push(`chain ${key} is missing`);
    else if ((state.ruleCounts.get(key) ?? 0) !== count) {
      drift.push(`chain ${key} has ${state.ruleCounts.get(key) ?? 0} rules, expected ${count}`);
    }
  }
  for (const key of state.istioChains) if (!planned.has(key)) drift.push(`unexpected chain ${key}`);
  return drift;
}
