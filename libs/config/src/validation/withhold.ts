import { createConfigSnapshot, type ConfigSnapshot } from '../config-snapshot.js';
import type { ConfigProblem } from '../problem.js';

/**
 * Returns `snapshot` without the objects that any error in `problems` names (by kind, namespace and
 * name), so they are not served; everything else is kept. Returns `snapshot` itself when nothing
 * is withheld.
 */
export function withholdInvalid(snapshot: ConfigSnapshot, problems: readonly ConfigProblem[]): ConfigSnapshot {
  const withheld = new Set<string>();
  for (const p of problems) {
    if (p.severity === 'error' && p.kind !== undefined && p.name !== undefined) withheld.add(`${p.kind}/${p.namespace ?? ''}/${p.name}`);
  }
  if (![...snapshot.objects.keys()].some((k) => withheld.has(k))) return snapshot;
  return createConfigSnapshot([...snapshot.objects.entries()].filter(([k]) => !withheld.has(k)).map(([, o]) => o));
}
