import { parse } from 'yaml';
import { DEFAULT_VALUES, valuesFromJson, type InjectionValues } from './values.js';

/** A label selector as in the injector config (`matchLabels` and `matchExpressions`). */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: readonly string[] }[];
}

/** The injection policy and values (istiod's `Config` from the istio-sidecar-injector ConfigMap). */
export interface InjectorConfig {
  /** `enabled`: inject unless a pod opts out; `disabled`: only pods that opt in. */
  readonly policy: 'enabled' | 'disabled';
  readonly neverInjectSelector: readonly LabelSelector[];
  readonly alwaysInjectSelector: readonly LabelSelector[];
  /** Annotations added to every injected pod. */
  readonly injectedAnnotations: Readonly<Record<string, string>>;
  readonly values: InjectionValues;
  /** Where it came from, for the status annotation's revision and logs. */
  readonly origin: string;
}

/** The built-in config used when the istio-sidecar-injector ConfigMap is absent. */
export const DEFAULT_INJECTOR_CONFIG: InjectorConfig = Object.freeze<InjectorConfig>({
  policy: 'enabled',
  neverInjectSelector: [],
  alwaysInjectSelector: [],
  injectedAnnotations: {},
  values: DEFAULT_VALUES,
  origin: 'built-in default',
});

/** The result of {@link parseInjectorConfigMap}: the config, and what was ignored or wrong. */
export interface InjectorConfigResult {
  readonly config: InjectorConfig;
  readonly problems: readonly string[];
}

/**
 * Reads the `config` (YAML: policy, selectors, injectedAnnotations, templates) and `values` (JSON)
 * keys of the istio-sidecar-injector ConfigMap. The sidecar template itself is minipilot's built-in
 * rendering of Istio's `sidecar` template (Go templates are not executed): custom `templates` are
 * reported as ignored. A broken key keeps its default and is reported with the key and field.
 */
export function parseInjectorConfigMap(data: Readonly<Record<string, string>>, origin: string): InjectorConfigResult {
  const problems: string[] = [];
  let config: Record<string, unknown> = {};
  if (data['config'] !== undefined) {
    try {
      const parsed = parse(data['config']) as unknown;
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) config = parsed as Record<string, unknown>;
      else problems.push(`${origin}: data.config is not a YAML mapping; using the defaults`);
    } catch (err) {
      problems.push(`${origin}: data.config is not valid YAML (${err instanceof Error ? err.message : String(err)}); using the defaults`);
    }
  }
  let valuesJson: unknown = {};
  if (data['values'] !== undefined) {
    try {
      valuesJson = JSON.parse(data['values']);
    } catch (err) {
      problems.push(`${origin}: data.values is not valid JSON (${err instanceof Error ? err.message : String(err)}); using the default values`);
    }
  }
  const policy = config['policy'];
  if (policy !== undefined && policy !== 'enabled' && policy !== 'disabled') problems.push(`${origin}: config.policy ${JSON.stringify(policy)} is not enabled or disabled; using enabled`);
  const templates = config['templates'] as Record<string, unknown> | undefined;
  const custom = Object.keys(templates ?? {}).filter((t) => t !== 'sidecar');
  if (custom.length > 0) problems.push(`${origin}: config.templates ${custom.join(', ')} are ignored (minipilot renders the built-in sidecar template)`);
  const selectors = (key: string): LabelSelector[] => (Array.isArray(config[key]) ? (config[key] as LabelSelector[]) : []);
  return {
    config: {
      policy: policy === 'disabled' ? 'disabled' : 'enabled',
      neverInjectSelector: selectors('neverInjectSelector'),
      alwaysInjectSelector: selectors('alwaysInjectSelector'),
      injectedAnnotations: (config['injectedAnnotations'] as Record<string, string> | undefined) ?? {},
      values: valuesFromJson(valuesJson, problems),
      origin,
    },
    problems,
  };
}

/** True when `labels` match the selector (an empty selector matches everything, as in Kubernetes). */
export function selectorMatches(sel: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const inValues = has && (e.values ?? []).includes(labels[e.key]!);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
