import { formatProblem, type ConfigProblem } from '@minipilot/config';
import type { Logger } from './logger.js';

/**
 * Logs the problems that are not in `alreadyReported` (errors as `error`, warnings as `warn`), so each
 * problem is reported once when it appears rather than on every reload. Returns the formatted lines
 * of all current problems: pass them as `alreadyReported` next time.
 */
export function reportNewProblems(logger: Logger, problems: readonly ConfigProblem[], alreadyReported: ReadonlySet<string>): Set<string> {
  const lines = new Set<string>();
  for (const p of problems) {
    const line = formatProblem(p);
    if (lines.has(line)) continue;
    lines.add(line);
    if (alreadyReported.has(line)) continue;
    const fields = { file: p.origin?.file, line: p.origin?.line, doc: p.origin?.doc, code: p.code, kind: p.kind, namespace: p.namespace, name: p.name, field: p.field };
    if (p.severity === 'error') logger.error(fields, line);
    else logger.warn(fields, line);
  }
  return lines;
}
