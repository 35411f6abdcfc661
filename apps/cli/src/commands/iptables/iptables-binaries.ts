import { logLine, type RunProcess } from './run-process.js';

/** The iptables executables of one flavour (legacy, nft, or the plain `iptables` alternative). */
export interface IptablesBinaries {
  readonly flavour: 'legacy' | 'nft';
  readonly iptables: string;
  readonly ip6tables: string;
  readonly save: string;
  readonly save6: string;
  readonly restore: string;
  readonly restore6: string;
}

function binariesFor(suffix: '' | '-legacy' | '-nft', flavour: 'legacy' | 'nft'): IptablesBinaries {
  return {
    flavour,
    iptables: `iptables${suffix}`,
    ip6tables: `ip6tables${suffix}`,
    save: `iptables${suffix}-save`,
    save6: `ip6tables${suffix}-save`,
    restore: `iptables${suffix}-restore`,
    restore6: `ip6tables${suffix}-restore`,
  };
}

/** Checks a flavour works here: it reports a version, can save, and accepts (then removes) a probe rule. */
function usable(run: RunProcess, b: IptablesBinaries): { ok: boolean; version: string } {
  const version = run(b.iptables, ['--version']);
  if (version.code !== 0 || run(b.save, []).code !== 0) return { ok: false, version: '' };
  const probe = ['INPUT', '-p', '255', '-j', 'RETURN'];
  if (run(b.iptables, ['-t', 'nat', '-A', ...probe]).code !== 0) return { ok: false, version: '' };
  run(b.iptables, ['-t', 'nat', '-D', ...probe]);
  return { ok: true, version: version.stdout };
}

/** Number of rules (`-A` lines) an `*-save` output holds. */
function countRules(save: string): number {
  return save.split('\n').filter((l) => l.startsWith('-A ')).length;
}

/**
 * Chooses the iptables flavour as istio-iptables does: a pinned one (`--force-iptables-binary`), else legacy when
 * iptables-legacy-save already shows rules (at least 3), else nft, else the plain `iptables` alternative.
 */
export function detectIptablesBinaries(run: RunProcess, force: string): IptablesBinaries {
  const legacy = binariesFor('-legacy', 'legacy');
  const nft = binariesFor('-nft', 'nft');
  if (force === 'legacy' || force === 'nft') {
    const pinned = force === 'legacy' ? legacy : nft;
    if (!usable(run, pinned).ok) throw new Error(`--force-iptables-binary=${force}: ${pinned.iptables} does not work here`);
    return pinned;
  }
  const legacySave = run(legacy.save, []);
  if (legacySave.code === 0 && countRules(legacySave.stdout) >= 3 && usable(run, legacy).ok) {
    logLine('using iptables-legacy (existing legacy rules found)');
    return legacy;
  }
  if (usable(run, nft).ok) return nft;
  const plain = usable(run, binariesFor('', 'legacy'));
  if (plain.ok) return binariesFor('', plain.version.includes('nf_tables') ? 'nft' : 'legacy');
  if (usable(run, legacy).ok) return legacy;
  throw new Error('no working iptables binary found (install the iptables package)');
}
