import type { DescMessage, Message } from '@bufbuild/protobuf';
import { TypeUrl, type clusterV3 } from '@minipilot/envoy-api';
import { XDS_TYPES } from '../xds-types.js';
import type { EnvoyResources } from '../resources.js';
import { ENVOY_SEMANTIC_CHECKS, SEMANTIC_VISIT_TYPES } from './envoy-semantics.js';
import { walkMessage, type WalkVisit } from './pgv-walk.js';
import { missingClusters, missingEndpoints, missingRoutes, REFERENCE_VISIT_TYPES } from './references.js';
import type { AcceptanceOptions, AcceptanceResult, AcceptanceViolation, FieldProblem } from './types.js';
import { withholdResources } from './withhold.js';

interface Kind {
  readonly typeUrl: string;
  readonly schema: DescMessage;
  readonly items: readonly Message[];
  readonly name: (m: Message) => string;
}

interface Checked {
  readonly kind: Kind;
  readonly index: number;
  readonly message: Message;
  readonly name: string;
  readonly visits: ReadonlyMap<string, readonly WalkVisit[]>;
}

const COLLECT: ReadonlySet<string> = new Set([...SEMANTIC_VISIT_TYPES, ...REFERENCE_VISIT_TYPES]);

/** Violations are listed listeners, routes, clusters, load assignments (the order reports have always used). */
const CHECK_ORDER = ['listeners', 'routes', 'clusters', 'endpoints'] as const;

function kinds(res: EnvoyResources): Kind[] {
  return CHECK_ORDER.map((k) => XDS_TYPES.find((t) => t.kind === k)!).map((t) => ({ typeUrl: t.typeUrl, schema: t.schema, items: res[t.kind], name: (m: Message) => t.name(m) }));
}

function attribute(c: Checked, problems: readonly FieldProblem[]): AcceptanceViolation[] {
  return problems.map((p) => ({ typeUrl: c.kind.typeUrl, resourceName: c.name, index: c.index, field: p.field, rule: p.rule, message: p.message }));
}

/**
 * Checks every resource the way Envoy would before accepting it: the protoc-gen-validate rules
 * from Envoy's descriptors (recursively, typed_config included), known typed_config types, the
 * semantic checks in {@link ENVOY_SEMANTIC_CHECKS}, unique resource names, and RDS/EDS references
 * (hard violations). Cluster references from routes and tcp_proxy are warnings. Returns the
 * violations, the warnings, what was withheld and the consistent set that can be pushed.
 */
export function checkEnvoyResources(res: EnvoyResources, options: AcceptanceOptions = {}): AcceptanceResult {
  const checked: Checked[] = [];
  const violations: AcceptanceViolation[] = [];
  for (const kind of kinds(res)) {
    const firstByName = new Map<string, number>();
    kind.items.forEach((message, index) => {
      const walked = checkMessage(kind, message, options);
      const c: Checked = { kind, index, message, name: kind.name(message), visits: walked.visits };
      checked.push(c);
      violations.push(...attribute(c, walked.problems));
      const first = firstByName.get(c.name);
      if (first !== undefined) violations.push(...attribute(c, [{ field: '', rule: 'envoy.duplicate_name', message: `another ${kind.schema.name} at position ${first} has the same name` }]));
      else firstByName.set(c.name, index);
    });
  }
  const routeNames = new Set(res.routes.map((r) => r.name));
  const claNames = new Set(res.endpoints.map((e) => e.clusterName));
  for (const c of checked) {
    if (c.kind.typeUrl === TypeUrl.Listener) violations.push(...attribute(c, missingRoutes(c.visits, routeNames)));
    if (c.kind.typeUrl === TypeUrl.Cluster) violations.push(...attribute(c, missingEndpoints(c.message as clusterV3.Cluster, claNames)));
  }
  const { accepted, withheld } = withholdResources(res, violations);
  const acceptedSet = new Set<Message>([...accepted.listeners, ...accepted.routes]);
  const clusterNames = new Set(accepted.clusters.map((c) => c.name));
  const warnings = checked.filter((c) => acceptedSet.has(c.message)).flatMap((c) => attribute(c, missingClusters(c.visits, clusterNames)));
  return { violations, warnings, withheld, accepted };
}

interface MessageCheck {
  readonly problems: readonly FieldProblem[];
  readonly visits: ReadonlyMap<string, readonly WalkVisit[]>;
}

/**
 * Per resource message, what the walk and the semantic checks found, cached by message identity
 * (and whether the proxy is istio-proxy): resources shared through the push pipeline's cache are
 * checked once, not once per proxy and push. Messages must not be mutated after a check; checks
 * with an explicit `now` are not cached.
 */
const messageChecks = new WeakMap<Message, Map<boolean, MessageCheck>>();

function checkMessage(kind: Kind, message: Message, options: AcceptanceOptions): MessageCheck {
  const cacheable = options.now === undefined;
  const flavour = options.istioProxy ?? true;
  const cached = cacheable ? messageChecks.get(message)?.get(flavour) : undefined;
  if (cached) return cached;
  const walked = walkMessage(kind.schema, message, { ...options, collect: COLLECT });
  const problems: FieldProblem[] = [...walked.problems];
  for (const check of ENVOY_SEMANTIC_CHECKS) if (check.typeUrl === kind.typeUrl) problems.push(...check.check(message, walked.visits));
  const result: MessageCheck = { problems, visits: walked.visits };
  if (cacheable) {
    let byFlavour = messageChecks.get(message);
    if (!byFlavour) messageChecks.set(message, (byFlavour = new Map()));
    byFlavour.set(flavour, result);
  }
  return result;
}

/** One line for logs and test failures: `Cluster "name": field: rule: message`. */
export function formatViolation(v: AcceptanceViolation): string {
  const type = v.typeUrl.slice(v.typeUrl.lastIndexOf('.') + 1);
  return `${type} ${JSON.stringify(v.resourceName)}: ${v.field || '(resource)'}: ${v.rule}: ${v.message}`;
}
