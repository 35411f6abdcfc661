import { analyzeLevel, formatProblemAs, type AnalyzeLevel, type ConfigProblem } from '@minipilot/config';
import type { IgnoredObject, LoadedConfig } from '@minipilot/config-sources';

/** Exit codes of `minipilot validate`, as istioctl uses them: 0 valid (warnings allowed), 1 invalid resources, 2 unreadable input. */
export const EXIT_VALID = 0;
export const EXIT_INVALID = 1;
export const EXIT_UNREADABLE = 2;

/** One problem as `-o json` prints it. */
export interface ReportedProblem {
  /** The level `istioctl analyze` gives it (an IST0101 missing subset is an error here, though the server still serves the route). */
  readonly severity: AnalyzeLevel;
  /** analyze's message code (`IST0101`...), when the finding is one of analyze's. */
  readonly code?: string;
  readonly stage?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly file?: string;
  /** 0-based index of the YAML document in the file (as /debug/configz shows origins). */
  readonly doc?: number;
  /** 1-based line where the object starts: the `file:LINE` of the text output. */
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
    /** Objects not checked: Istio and Gateway API kinds minipilot does not read (each also warned about), by kind, `Kind.group` outside networking.istio.io. */
    readonly notChecked: Readonly<Record<string, number>>;
    /** Other objects skipped (Deployment, ServiceAccount...), by kind. */
    readonly skipped: Readonly<Record<string, number>>;
  };
  readonly exitCode: number;
}

function toReported(p: ConfigProblem): ReportedProblem {
  const o = p.origin;
  const level = analyzeLevel(p);
  return {
    severity: level,
    ...(p.code ? { code: p.code } : {}),
    ...(p.stage ? { stage: p.stage } : {}),
    ...(p.kind ? { kind: p.kind } : {}),
    ...(p.kind ? { namespace: p.namespace ?? '' } : {}),
    ...(p.name !== undefined ? { name: p.name } : {}),
    ...(o?.file !== undefined ? { file: o.file } : {}),
    ...(o?.doc !== undefined ? { doc: o.doc } : {}),
    ...(o?.line !== undefined ? { line: o.line } : {}),
    ...(p.field ? { field: p.field } : {}),
    message: p.message,
    text: formatProblemAs(p, level),
  };
}

/** API groups of the Istio and Gateway API kinds users validate with istioctl: objects of these groups that minipilot does not read are warned about. */
const CHECKED_ELSEWHERE = /(^|\.)istio\.io$|^gateway\.networking\.(x-)?k8s\.io$/;

function isIstioLike(o: IgnoredObject): boolean {
  return CHECKED_ELSEWHERE.test(o.apiVersion.split('/')[0] ?? '');
}

/** The warning for an Istio or Gateway API object minipilot does not validate (istioctl would). */
function notCheckedProblem(o: IgnoredObject): ConfigProblem {
  const message = `${o.kind} (${o.apiVersion}) is not checked: minipilot validates VirtualService, DestinationRule, Gateway, ServiceEntry and PeerAuthentication only; use istioctl validate for this kind`;
  return { severity: 'warning', kind: o.kind, namespace: o.namespace ?? 'default', name: o.name, message, ...(o.origin ? { origin: o.origin } : {}) };
}

/** Counts objects by kind; with `byGroup`, a kind outside networking.istio.io is named with its group (a Gateway API `Gateway` is `Gateway.gateway.networking.k8s.io`). */
function countKinds(objects: readonly IgnoredObject[], byGroup = false): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of objects) {
    const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0]! : '';
    const key = byGroup && group !== 'networking.istio.io' ? `${o.kind}.${group}` : o.kind;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** Builds the report of what `loadConfigFiles` read: missing paths first, then every problem in file order. */
export function buildValidationReport(loaded: LoadedConfig): ValidationReport {
  const missing: ConfigProblem[] = loaded.missing.map((file) => ({ severity: 'error', message: 'no such file or directory', origin: { file } }));
  const notChecked = loaded.ignored.filter(isIstioLike);
  const all = [...missing, ...loaded.problems, ...notChecked.map(notCheckedProblem)];
  const invalid = new Set<string>();
  for (const p of loaded.problems) {
    if (analyzeLevel(p) !== 'error' || p.stage === 'syntax' || p.stage === undefined && p.kind === undefined) continue;
    invalid.add(p.kind ? `${p.kind}/${p.namespace ?? ''}/${p.name ?? ''}` : `${p.origin?.file ?? ''}:${p.origin?.doc ?? ''}`);
  }
  const unreadable = [...loaded.missing, ...loaded.syntaxErrors,
    ...loaded.problems.filter((p) => p.severity === 'error' && p.stage === undefined && p.kind === undefined && p.origin?.file !== undefined).map((p) => p.origin!.file!)];
  const errors = all.filter((p) => analyzeLevel(p) === 'error').length;
  const warnings = all.filter((p) => analyzeLevel(p) === 'warning').length;
  const exitCode = unreadable.length > 0 ? EXIT_UNREADABLE : invalid.size > 0 ? EXIT_INVALID : EXIT_VALID;
  const valid = loaded.objects.filter((o) => !invalid.has(`${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).length;
  return {
    problems: all.map(toReported),
    summary: {
      resources: valid + invalid.size,
      valid,
      invalid: invalid.size,
      errors,
      warnings,
      unreadable: [...new Set(unreadable)],
      notChecked: countKinds(notChecked, true),
      skipped: countKinds(loaded.ignored.filter((o) => !isIstioLike(o))),
    },
    exitCode,
  };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

const kindList = (counts: Readonly<Record<string, number>>): string => Object.entries(counts).map(([k, n]) => (n > 1 ? `${k} x${n}` : k)).join(', ');

/** The text output: one line per problem, then a summary line (naming the kinds that were not checked). */
export function formatValidationReport(r: ValidationReport): string {
  const s = r.summary;
  const lines = r.problems.map((p) => p.text);
  const notChecked = Object.values(s.notChecked).reduce((a, b) => a + b, 0);
  const skipped = Object.values(s.skipped).reduce((a, b) => a + b, 0);
  const infos = r.problems.length - s.errors - s.warnings;
  const counts = `${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}${infos > 0 ? `, ${infos} info` : ''}`
    + `${notChecked > 0 ? `; ${notChecked} not checked: ${kindList(s.notChecked)}` : ''}${skipped > 0 ? `; ${skipped} other skipped: ${kindList(s.skipped)}` : ''}`;
  if (s.unreadable.length > 0) {
    lines.push(`Summary: cannot read ${s.unreadable.join(', ')}; ${plural(s.resources, 'resource')} checked, ${s.invalid} invalid (${counts})`);
  } else if (s.invalid > 0) {
    lines.push(`Summary: ${plural(s.resources, 'resource')} checked, ${s.invalid} invalid, ${s.valid} valid (${counts})`);
  } else {
    lines.push(`Summary: ${plural(s.resources, 'resource')} checked, all valid (${counts})`);
  }
  return `${lines.join('\n')}\n`;
}
