import { formatProblem, type ConfigProblem } from '@minipilot/config';
import type { LoadedConfig } from '@minipilot/config-sources';

/** Exit codes of `minipilot validate`, as istioctl uses them: 0 valid (warnings allowed), 1 invalid resources, 2 unreadable input. */
export const EXIT_VALID = 0;
export const EXIT_INVALID = 1;
export const EXIT_UNREADABLE = 2;

/** One problem as `-o json` prints it. */
export interface ReportedProblem {
  readonly severity: 'error' | 'warning';
  readonly stage?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly file?: string;
  /** 1-based document number in the file. */
  readonly doc?: number;
  /** 1-based line where the document starts. */
  readonly line?: number;
  readonly field?: string;
  readonly message: string;
  /** The line the text output prints. */
  readonly text: string;
}

/** What `minipilot validate` found: every problem, counts, and the exit code. */
export interface ValidationReport {
  readonly problems: readonly ReportedProblem[];
  readonly summary: {
    /** Resources read (valid and invalid, duplicates not counted twice). */
    readonly resources: number;
    readonly valid: number;
    readonly invalid: number;
    readonly errors: number;
    readonly warnings: number;
    /** Paths that do not exist or files that cannot be parsed as YAML. */
    readonly unreadable: readonly string[];
  };
  readonly exitCode: number;
}

function toReported(p: ConfigProblem): ReportedProblem {
  const o = p.origin;
  return {
    severity: p.severity,
    ...(p.stage ? { stage: p.stage } : {}),
    ...(p.kind ? { kind: p.kind } : {}),
    ...(p.kind ? { namespace: p.namespace ?? '' } : {}),
    ...(p.name !== undefined ? { name: p.name } : {}),
    ...(o?.file !== undefined ? { file: o.file } : {}),
    ...(o?.doc !== undefined ? { doc: o.doc + 1 } : {}),
    ...(o?.line !== undefined ? { line: o.line } : {}),
    ...(p.field ? { field: p.field } : {}),
    message: p.message,
    text: formatProblem(p),
  };
}

/** Builds the report of what `loadConfigFiles` read: missing paths first, then every problem in file order. */
export function buildValidationReport(loaded: LoadedConfig): ValidationReport {
  const missing: ConfigProblem[] = loaded.missing.map((file) => ({ severity: 'error', message: 'no such file or directory', origin: { file } }));
  const all = [...missing, ...loaded.problems];
  const invalid = new Set<string>();
  for (const p of loaded.problems) {
    if (p.severity !== 'error' || p.stage === 'syntax' || p.stage === undefined && p.kind === undefined) continue;
    invalid.add(p.kind ? `${p.kind}/${p.namespace ?? ''}/${p.name ?? ''}` : `${p.origin?.file ?? ''}:${p.origin?.doc ?? ''}`);
  }
  const unreadable = [...loaded.missing, ...loaded.syntaxErrors,
    ...loaded.problems.filter((p) => p.severity === 'error' && p.stage === undefined && p.kind === undefined && p.origin?.file !== undefined).map((p) => p.origin!.file!)];
  const errors = all.filter((p) => p.severity === 'error').length;
  const exitCode = unreadable.length > 0 ? EXIT_UNREADABLE : invalid.size > 0 ? EXIT_INVALID : EXIT_VALID;
  return {
    problems: all.map(toReported),
    summary: {
      resources: loaded.objects.length + invalid.size,
      valid: loaded.objects.length,
      invalid: invalid.size,
      errors,
      warnings: all.length - errors,
      unreadable: [...new Set(unreadable)],
    },
    exitCode,
  };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The text output: one line per problem, then a summary line. */
export function formatValidationReport(r: ValidationReport): string {
  const s = r.summary;
  const lines = r.problems.map((p) => p.text);
  const counts = `${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}`;
  if (s.unreadable.length > 0) {
    lines.push(`Summary: cannot read ${s.unreadable.join(', ')}; ${plural(s.resources, 'resource')} checked, ${s.invalid} invalid (${counts})`);
  } else if (s.invalid > 0) {
    lines.push(`Summary: ${plural(s.resources, 'resource')} checked, ${s.invalid} invalid, ${s.valid} valid (${counts})`);
  } else {
    lines.push(`Summary: ${plural(s.resources, 'resource')} checked, all valid (${counts})`);
  }
  return `${lines.join('\n')}\n`;
}
