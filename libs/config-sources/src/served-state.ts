import type { ConfigObject, ConfigProblem } from '@minipilot/config';
import type { ConfigSourceUpdate } from './config-source.js';
import { createUpdate } from './create-update.js';
import { diffObjects } from './diff-objects.js';
import type { Logger } from './logger.js';
import { reportNewProblems } from './report-problems.js';

/** What one {@link ServedState.apply} did. */
export interface ServedChange {
  /** The latest update (also when only problems changed). */
  readonly update: ConfigSourceUpdate;
  /** Keys added, changed or removed in the served set (empty when only problems changed). */
  readonly changedKeys: ReadonlySet<string>;
  /** True when nothing at all changed: no key, no object instance, no problem. */
  readonly unchanged: boolean;
}

/**
 * The served state every config source keeps (the file and the Kubernetes source share it): the
 * served objects, the latest update, and the problems already logged. `apply` takes a newly resolved
 * set, keeps unchanged objects' instances (so caches keyed by them stay valid), logs each new problem
 * once, and says what changed; the source decides what to log and whether to publish.
 */
export interface ServedState {
  apply(objects: ReadonlyMap<string, ConfigObject>, problems: readonly ConfigProblem[], extra?: { debounceMs?: number }): ServedChange;
  served(): ReadonlyMap<string, ConfigObject>;
  latest(): ConfigSourceUpdate | undefined;
}

/** Creates a {@link ServedState}; new problems are logged through `logger`. */
export function createServedState(logger: Logger): ServedState {
  let served: ReadonlyMap<string, ConfigObject> = new Map();
  let reported = new Set<string>();
  let latest: ConfigSourceUpdate | undefined;
  return {
    apply(objects, problems, extra = {}) {
      const diff = diffObjects(served, objects);
      const before = reported;
      reported = reportNewProblems(logger, problems, before);
      const changed = diff.changedKeys.size > 0;
      const unchanged = latest !== undefined && !changed && sameEntries(served, diff.objects) && sameLines(before, reported);
      served = diff.objects;
      if (!unchanged) latest = createUpdate(served, problems, changed || !latest ? diff.changedKeys : new Set(), extra.debounceMs);
      return { update: latest!, changedKeys: diff.changedKeys, unchanged };
    },
    served: () => served,
    latest: () => latest,
  };
}

function sameEntries(a: ReadonlyMap<string, ConfigObject>, b: ReadonlyMap<string, ConfigObject>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

function sameLines(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const line of a) if (!b.has(line)) return false;
  return true;
}
