import { parseConfigObject, type ConfigObject, type ConfigOrigin, type ConfigProblem } from '@minipilot/config';

type Json = Record<string, unknown>;

/** The objects to serve and the problems of the objects read from the API server. */
export interface ResolvedKubeObjects {
  readonly objects: ReadonlyMap<string, ConfigObject>;
  /** Every current problem, ordered by object key. */
  readonly problems: readonly ConfigProblem[];
}

/** The latest version of every object seen, and what is served from them; see {@link createKubeObjects}. */
export interface KubeObjects {
  /** Records the latest version of an object (already in `toConfigInput` form). */
  set(key: string, input: Json): void;
  delete(key: string): void;
  /** Parses the objects named by `keys` again and returns what to serve now. */
  resolve(keys: Iterable<string>): ResolvedKubeObjects;
}

/** Where objects of the Kubernetes source come from, as config problems and /debug/configz show it. */
export const KUBE_ORIGIN: ConfigOrigin = Object.freeze({ source: 'kubernetes' });

/**
 * Creates the object table of the Kubernetes source. Every object goes through `parseConfigObject`
 * (schema checks and Istio validation), per object: a valid one is served; an invalid one is
 * withheld, and if an earlier version of it was valid that last good version stays served (with a
 * warning saying so), as istiod keeps serving the last config that passed validation; a deleted
 * object is no longer served and its problems go away.
 */
export function createKubeObjects(): KubeObjects {
  const inputs = new Map<string, Json>();
  const served = new Map<string, ConfigObject>();
  const problems = new Map<string, readonly ConfigProblem[]>();
  return {
    set: (key, input) => void inputs.set(key, input),
    delete: (key) => void inputs.delete(key),
    resolve(keys) {
      for (const key of keys) {
        const input = inputs.get(key);
        if (!input) {
          served.delete(key);
          problems.delete(key);
          continue;
        }
        const result = parseConfigObject(input, KUBE_ORIGIN);
        const kept = result.object ? undefined : served.get(key);
        if (result.object) served.set(key, result.object);
        else if (!kept) served.delete(key);
        const found = kept
          ? [...result.problems, { kind: kept.kind, namespace: kept.metadata.namespace, name: kept.metadata.name, severity: 'warning' as const, message: 'invalid: still serving the last good version', origin: KUBE_ORIGIN }]
          : result.problems;
        if (found.length > 0) problems.set(key, found);
        else problems.delete(key);
      }
      const ordered = [...problems.keys()].sort().flatMap((k) => problems.get(k)!);
      return { objects: new Map(served), problems: ordered };
    },
  };
}
