import { IPTABLES_FLAGS } from '@minipilot/iptables';

/** Values Go's strconv.ParseBool accepts. */
const TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'false', 'FALSE', 'False']);

/** Long name of a bool flag given by its long or short name. */
const BOOL_BY_NAME = new Map(IPTABLES_FLAGS.flatMap((f) =>
  f.kind === 'bool' ? [[f.long, f.long], ...(f.short ? [[f.short, f.long] as const] : [])] : []));
const STRING_SHORT = new Set(IPTABLES_FLAGS.flatMap((f) => (f.kind === 'string' && f.short ? [f.short] : [])));

/** argv in commander's spellings, or the reason it cannot be. */
export interface NormalizedArgv {
  readonly argv: string[];
  readonly errors: string[];
}

/**
 * Rewrites the pflag spellings commander does not know into ones it does: `--bool=VALUE` / `-n=VALUE` (any Go bool
 * spelling) become `--bool` / `--no-bool`, and `-p=VALUE` becomes `-p VALUE`. Everything after `--` is kept.
 */
export function normalizeIptablesArgv(argv: readonly string[]): NormalizedArgv {
  const out: string[] = [];
  const errors: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') { out.push(...argv.slice(i)); break; }
    const m = /^(--[^=]{2,}|-[a-zA-Z])=(.*)$/s.exec(arg);
    const name = m?.[1]?.replace(/^--?/, '') ?? '';
    const value = m?.[2] ?? '';
    const boolLong = BOOL_BY_NAME.get(name);
    if (m && boolLong) {
      if (TRUE.has(value)) out.push(`--${boolLong}`);
      else if (FALSE.has(value)) out.push(`--no-${boolLong}`);
      else errors.push(`${m[1]}: '${value}' is not a boolean (use true or false)`);
      continue;
    }
    if (m && STRING_SHORT.has(name)) { out.push(`-${name}`, value); continue; }
    out.push(arg);
  }
  return { argv: out, errors };
}
