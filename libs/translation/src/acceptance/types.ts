import type { EnvoyResources } from '../resources.js';

/**
 * One reason Envoy would reject (or, for warnings, misroute) a resource: which resource, which field
 * (a path such as `filter_chains[0].filters[0].typed_config.http_filters[1].name`, `""` for the
 * resource as a whole), which rule (`string.min_len`, `ref.rds`, `envoy.duplicate_domain`, ...) and
 * a sentence saying what is wrong.
 */
export interface AcceptanceViolation {
  readonly typeUrl: string;
  readonly resourceName: string;
  /** Position of the resource in its type's input array (names can repeat, positions cannot). */
  readonly index: number;
  readonly field: string;
  readonly rule: string;
  readonly message: string;
}

/** A resource taken out of a push, and whether an empty resource of the same name stands in for it. */
export interface WithheldResource {
  readonly typeUrl: string;
  readonly name: string;
  readonly index: number;
  /** `empty`: an empty RouteConfiguration / ClusterLoadAssignment of the same name is served instead. */
  readonly replacement: 'none' | 'empty';
}

/** The verdict on one resource set: what is wrong, what was withheld, and what can be pushed. */
export interface AcceptanceResult {
  /** Violations Envoy would NACK (or that break RDS/EDS consistency); their resources are withheld. */
  readonly violations: readonly AcceptanceViolation[];
  /** Problems Envoy tolerates (a route naming a cluster that does not exist: 503 at request time). */
  readonly warnings: readonly AcceptanceViolation[];
  readonly withheld: readonly WithheldResource[];
  /** The input minus withheld resources, plus empty stand-ins, consistent and sorted by name. */
  readonly accepted: EnvoyResources;
}

/** Options for the acceptance check. */
export interface AcceptanceOptions {
  /**
   * Whether the receiver is istio-proxy (default true). Stock Envoy and gRPC clients do not know
   * the `istio.*` TypedStruct filters, so for them those filters are violations.
   */
  readonly istioProxy?: boolean;
  /** The clock for timestamp `lt_now`/`gt_now`/`within` rules (default: now). */
  readonly now?: Date;
}

/** A violation inside one message, before it is attributed to a resource. */
export interface FieldProblem {
  readonly field: string;
  readonly rule: string;
  readonly message: string;
}
