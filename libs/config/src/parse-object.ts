import type { z } from 'zod';
import { VirtualService } from './istio/virtual-service.js';
import { DestinationRule } from './istio/destination-rule.js';
import { Gateway } from './istio/gateway.js';
import { ServiceEntry } from './istio/service-entry.js';
import { PeerAuthentication } from './istio/peer-authentication.js';
import { ServiceSpec, EndpointSliceBody, EndpointsBody, PodBody } from './kube/kube-kinds.js';
import { ObjectMetaSchema, type ObjectMeta, type ConfigOrigin } from './meta.js';
import { KIND_INFO, isKnownKind, configKey, type ConfigObject, type Kind } from './kinds.js';
import { formatFieldPath, type ConfigProblem } from './problem.js';
import { snakeToCamel } from './schema-helpers.js';
import { validateConfigObject } from './validation/validate-object.js';

/** The outcome of reading one object: the typed object, or why it was rejected or skipped. */
export interface ParseResult {
  /** The typed object, when it has no errors. */
  readonly object?: ConfigObject;
  /** `Kind/namespace/name` when the identity could be read, even if the object was rejected. */
  readonly key?: string;
  readonly problems: readonly ConfigProblem[];
  /** Set for objects of kinds minipilot does not read (Deployment, HTTPRoute...): skipped, not an error. */
  readonly ignored?: { readonly kind: string; readonly apiVersion: string; readonly name: string; readonly namespace?: string; readonly origin?: ConfigOrigin };
}

const SPEC_SCHEMAS = { VirtualService, DestinationRule, Gateway, ServiceEntry, PeerAuthentication } as const;
const ISTIO_TOP_LEVEL = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);

/**
 * Reads one Kubernetes-style object (already decoded from YAML or JSON) into a typed config object.
 * Istio kinds are checked strictly against their networking.istio.io / security.istio.io schema (wrong types are errors,
 * unknown fields warnings, camelCase and snake_case accepted), then against Istio's validation rules
 * ({@link validateConfigObject}); Kubernetes kinds leniently. An object with any error gets no
 * `object` (its `key` is still set, so sources can keep its last good version).
 */
export function parseConfigObject(raw: unknown, origin?: ConfigOrigin): ParseResult {
  const at = origin ? { origin } : {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { problems: [{ severity: 'error', stage: 'schema', message: 'document is not an object with apiVersion and kind', ...at }] };
  }
  const obj = raw as Record<string, unknown>;
  const kind = obj['kind'];
  const apiVersion = obj['apiVersion'];
  const rawName = (obj['metadata'] as Record<string, unknown> | undefined)?.['name'];
  if (typeof kind !== 'string' || typeof apiVersion !== 'string') {
    return { problems: [{ severity: 'error', stage: 'schema', message: 'missing apiVersion or kind', ...at }] };
  }
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) as [string, string] : ['', apiVersion];
  if (!isKnownKind(kind) || KIND_INFO[kind].group !== group) {
    const rawNs = (obj['metadata'] as Record<string, unknown> | undefined)?.['namespace'];
    return { problems: [], ignored: { kind, apiVersion, name: typeof rawName === 'string' ? rawName : '', ...(typeof rawNs === 'string' ? { namespace: rawNs } : {}), ...at } };
  }
  const info = KIND_INFO[kind];
  const problems: ConfigProblem[] = [];
  const metaResult = ObjectMetaSchema.safeParse(obj['metadata']);
  const nameGuess = typeof rawName === 'string' ? rawName : undefined;
  const nsGuess = (obj['metadata'] as Record<string, unknown> | undefined)?.['namespace'];
  const who = {
    kind,
    ...(nameGuess !== undefined ? { name: nameGuess } : {}),
    namespace: info.namespaced ? (typeof nsGuess === 'string' ? nsGuess : 'default') : '',
    ...at,
  };
  const err = (field: string, message: string): void => { problems.push({ severity: 'error', stage: 'schema', field, message, ...who }); };
  if (!info.versions.includes(version)) {
    err('apiVersion', `unsupported version ${apiVersion} for ${kind} (served: ${info.versions.map((v) => (group ? `${group}/${v}` : v)).join(', ')})`);
  }
  if (!metaResult.success) {
    for (const issue of metaResult.error.issues) err(formatFieldPath(['metadata', ...issue.path]), metadataMessage(issue));
    return { problems };
  }
  const metadata = normalizeMeta(metaResult.data, info.namespaced);
  const key = configKey({ kind, metadata });
  const base = { kind, apiVersion, metadata, ...(origin ? { origin } : {}) };

  let object: ConfigObject | undefined;
  if (kind in SPEC_SCHEMAS) {
    for (const field of Object.keys(obj)) {
      if (!ISTIO_TOP_LEVEL.has(field)) problems.push({ severity: 'warning', stage: 'schema', field, message: 'unknown field', ...who });
    }
    const spec = parseMessage(SPEC_SCHEMAS[kind as keyof typeof SPEC_SCHEMAS], obj['spec'] ?? {}, ['spec'], who, problems);
    if (spec !== undefined) object = { ...base, spec } as ConfigObject;
  } else {
    object = parseKube(kind, obj, base, who, problems);
  }
  if (problems.some((p) => p.severity === 'error')) return { key, problems };
  if (!object) return { key, problems };
  problems.push(...validateConfigObject(object));
  return problems.some((p) => p.severity === 'error') ? { key, problems } : { object, key, problems };
}

function normalizeMeta(m: z.infer<typeof ObjectMetaSchema>, namespaced: boolean): ObjectMeta {
  const ts = m.creationTimestamp instanceof Date ? m.creationTimestamp.toISOString() : m.creationTimestamp ?? undefined;
  return {
    name: m.name,
    namespace: namespaced ? m.namespace || 'default' : '',
    labels: m.labels ?? {},
    annotations: m.annotations ?? {},
    ...(ts ? { creationTimestamp: ts } : {}),
    ...(m.resourceVersion !== undefined ? { resourceVersion: m.resourceVersion } : {}),
    ...(m.generation !== undefined ? { generation: m.generation } : {}),
  };
}

type Who = Pick<ConfigProblem, 'kind' | 'name' | 'namespace' | 'origin'>;

function parseKube(kind: Kind, obj: Record<string, unknown>, base: object, who: Who, problems: ConfigProblem[]): ConfigObject | undefined {
  switch (kind) {
    case 'Service': {
      const spec = parseMessage(ServiceSpec, obj['spec'] ?? {}, ['spec'], who, problems);
      return spec === undefined ? undefined : ({ ...base, spec } as ConfigObject);
    }
    case 'EndpointSlice': case 'Endpoints': case 'Pod': {
      const schema = kind === 'EndpointSlice' ? EndpointSliceBody : kind === 'Endpoints' ? EndpointsBody : PodBody;
      const body = parseMessage(schema, obj, [], who, problems);
      return body === undefined ? undefined : ({ ...base, body } as ConfigObject);
    }
    default:
      return base as ConfigObject;
  }
}

/**
 * Parses `value` with `schema`, reporting every problem at once: unknown fields become warnings
 * (and are dropped), anything else an error naming the field. Returns the data when there is no error.
 */
function parseMessage<S extends z.ZodType>(schema: S, value: unknown, base: PropertyKey[], who: Who, problems: ConfigProblem[]): z.infer<S> | undefined {
  const first = schema.safeParse(value);
  if (first.success) return first.data;
  let stripped: unknown;
  let hadError = false;
  for (const issue of first.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) {
        problems.push({ severity: 'warning', stage: 'schema', field: formatFieldPath([...base, ...issue.path, k]), message: 'unknown field', ...who });
        stripped = deleteField(stripped ?? structuredClone(value), issue.path, k);
      }
    } else {
      hadError = true;
      problems.push({ severity: 'error', stage: 'schema', field: formatFieldPath([...base, ...issue.path]), message: issueMessage(issue), ...who });
    }
  }
  if (hadError) return undefined;
  const second = schema.safeParse(stripped);
  if (second.success) return second.data;
  for (const issue of second.error.issues) {
    problems.push({ severity: 'error', stage: 'schema', field: formatFieldPath([...base, ...issue.path]), message: issue.message, ...who });
  }
  return undefined;
}

/** A metadata issue in plain words: a missing or empty `metadata.name` (or no metadata at all) says so. */
function metadataMessage(issue: z.core.$ZodIssue): string {
  const missingName = issue.path.length === 0 || (issue.path[0] === 'name' && (issue.code === 'invalid_type' || issue.code === 'too_small'));
  return missingName ? 'name is required: every object needs metadata.name' : issueMessage(issue);
}

/** A zod issue in Istio's words where they differ: a missing required field is `NAME is required`. */
function issueMessage(issue: z.core.$ZodIssue): string {
  const last = issue.path[issue.path.length - 1];
  if (issue.code === 'invalid_type' && typeof last === 'string' && / received undefined$/.test(issue.message)) return `${last} is required`;
  return issue.message.replace(/^Invalid input: /, '');
}

/** Deletes `key` from the object at `path` in `root`; path segments are camelCase, the data may use snake_case. */
function deleteField(root: unknown, path: readonly PropertyKey[], key: string): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return root;
    const rec = cur as Record<string, unknown>;
    const hit = typeof seg === 'number' || seg in rec ? seg : Object.keys(rec).find((k) => snakeToCamel(k) === seg);
    if (hit === undefined) return root;
    cur = rec[hit as string];
  }
  if (cur !== null && typeof cur === 'object') delete (cur as Record<string, unknown>)[key];
  return root;
}
