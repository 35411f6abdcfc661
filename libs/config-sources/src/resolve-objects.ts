import { configKey, formatOrigin, type ConfigObject, type ConfigProblem } from '@minipilot/config';
import { withCrossResourceChecks } from './analyze-served.js';
import type { LoadedFile } from './read-yaml-file.js';

/** The objects to serve, by `configKey`, and every problem found deciding them. */
export interface ResolvedObjects {
  readonly objects: ReadonlyMap<string, ConfigObject>;
  readonly problems: readonly ConfigProblem[];
}

/**
 * Decides what to serve from freshly loaded files (in sorted path order), given what was served before:
 * - a valid object is served;
 * - a rejected object keeps its last good version, if the same file served it before;
 * - a file with a YAML syntax error (or unreadable) keeps serving exactly what it served before,
 *   since none of its documents can be trusted; a new broken file serves nothing;
 * - an object that is gone from its file (or whose file is gone) is no longer served;
 * - the same key defined twice: the last in path order wins (as `kubectl apply -f DIR` applies files in
 *   order, and as a later `-f` replaces an earlier one), and each duplicate is reported as a warning
 *   naming both locations;
 * - finally (unless `crossResourceChecks` is false), the cross-resource checks run over the result
 *   and objects with an error there are withheld (see `withCrossResourceChecks`).
 */
export function resolveServedObjects(files: readonly LoadedFile[], previous: ReadonlyMap<string, ConfigObject>, crossResourceChecks = true): ResolvedObjects {
  const claims: ConfigObject[] = [];
  const problems: ConfigProblem[] = [];
  for (const { file, result } of files) {
    problems.push(...result.problems);
    const servedBefore = (key: string): ConfigObject | undefined => {
      const o = previous.get(key);
      return o?.origin?.file === file ? o : undefined;
    };
    if (result.syntaxError) {
      const kept = [...previous.values()].filter((o) => o.origin?.file === file);
      claims.push(...kept);
      if (kept.length > 0) {
        const message = `file not reloaded: still serving the last good version of its ${kept.length} object(s)`;
        problems.push({ severity: 'warning', message, origin: { file } });
      }
      continue;
    }
    for (const r of result.results) {
      if (r.object) {
        claims.push(r.object);
        continue;
      }
      const kept = r.key === undefined ? undefined : servedBefore(r.key);
      if (kept) {
        claims.push(kept);
        problems.push({ ...identity(kept), severity: 'warning', message: 'invalid: still serving the last good version', origin: r.problems[0]?.origin ?? { file } });
      }
    }
  }
  const picked = pickLastByKey(claims);
  const resolved = { objects: picked.objects, problems: [...problems, ...picked.problems] };
  return crossResourceChecks ? withCrossResourceChecks(resolved) : resolved;
}

/** `file:line` of an object, for messages (empty when it has no origin). */
function location(o: ConfigObject): string {
  return o.origin?.file ? formatOrigin(o.origin) : '';
}

/**
 * Indexes objects by `configKey`, keeping the last of each key (kubectl apply order) and reporting
 * each replaced one with a warning on the winner that names where the replaced one was defined.
 */
export function pickLastByKey(objects: Iterable<ConfigObject>): ResolvedObjects {
  const byKey = new Map<string, ConfigObject>();
  const problems: ConfigProblem[] = [];
  for (const o of objects) {
    const key = configKey(o);
    const earlier = byKey.get(key);
    byKey.set(key, o);
    if (earlier === undefined) continue;
    const where = location(earlier);
    const message = `duplicate of the object defined${where ? ` in ${where}` : ' earlier'}, which it replaces (the last in path order wins, as with kubectl apply -f DIR)`;
    problems.push({ ...identity(o), severity: 'warning', message, ...(o.origin ? { origin: o.origin } : {}) });
  }
  return { objects: byKey, problems };
}

function identity(o: ConfigObject): Pick<ConfigProblem, 'kind' | 'namespace' | 'name'> {
  return { kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name };
}
