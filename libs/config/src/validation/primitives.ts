// Shared value rules (ports, durations, percentages, labels, selectors, exportTo, protocols) with Istio's messages.
import { parseDuration } from '../duration.js';
import { at, atKey, type Collector } from './collector.js';
import { isDns1123Label } from './hostname.js';

/** Returns Istio's error for a port outside 1..65535, or undefined. */
export function portError(port: number): string | undefined {
  return port >= 1 && port <= 65535 ? undefined : `port number ${port} must be in the range 1..65535`;
}

/**
 * Returns Istio's error for a duration (ValidateDuration): at least 1ms and whole milliseconds.
 * Syntax is the schema's job; text it cannot parse returns undefined here.
 */
export function durationError(text: string): string | undefined {
  const d = parseDuration(text);
  if (!d) return undefined;
  const nanos = d.seconds * 1_000_000_000n + BigInt(d.nanos);
  if (nanos < 1_000_000n) return 'duration must be greater than 1ms';
  if (nanos % 1_000_000n !== 0n) return 'only durations to ms precision are supported';
  return undefined;
}

/** Reports {@link durationError} for `text` at `field` when the value is set. */
export function checkDuration(c: Collector, field: string, text: string | undefined, prefix = ''): void {
  if (text === undefined) return;
  const err = durationError(text);
  if (err) c.error(field, prefix + err);
}

/** Returns Istio's error for an integer percentage outside 0..100 (ValidatePercent), or undefined. */
export function intPercentError(value: number): string | undefined {
  return value < 0 || value > 100 ? `percentage ${value} is not in range 0..100` : undefined;
}

/** Returns Istio's error for a `Percent.value` that is neither 0 nor in [0.0001, 100], or undefined. */
export function percentValueError(value: number): string | undefined {
  if (value < 0 || value > 100 || (value > 0 && value < 0.0001)) return `percentage ${goFloat(value)} is neither 0.0, nor in range [0.0001, 100.0]`;
  return undefined;
}

/** Formats a number as Go's `%v` prints a float64 (integers without a fraction). */
export function goFloat(v: number): string {
  return String(v);
}

/** Formats a number as Go's `%f` (six decimals). */
export function goFixed(v: number): string {
  return v.toFixed(6);
}

// pkg/config/labels: a label key is an optional DNS-name prefix and `/`, then a qualified name; a value is empty or a qualified name.
const DNS_LABEL = '[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?';
const QUALIFIED = '(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const TAG_KEY = new RegExp(`^(${DNS_LABEL}(?:\\.${DNS_LABEL})*/)?(${QUALIFIED})$`);
const LABEL_VALUE = new RegExp(`^(?:${QUALIFIED})?$`);

/** Returns Istio's error for a label key (validateTagKey), or undefined. */
function tagKeyError(k: string): string | undefined {
  const m = TAG_KEY.exec(k);
  if (!m) return `invalid tag key: ${JSON.stringify(k)}`;
  if ((m[1]?.length ?? 0) - 1 > 253) return `invalid tag key: ${JSON.stringify(k)} (DNS prefix is too long)`;
  if (m[2]!.length > 63) return `invalid tag key: ${JSON.stringify(k)} (name is too long)`;
  return undefined;
}

/** Reports Istio's label rules (labels.Instance.Validate: `invalid tag key`, `invalid tag value`) for every entry of `labels`. */
export function checkLabels(c: Collector, field: string, labels: Readonly<Record<string, string>> | undefined): void {
  for (const [k, v] of Object.entries(labels ?? {})) {
    const keyErr = tagKeyError(k);
    if (keyErr) c.error(atKey(field, k), keyErr);
    if (!LABEL_VALUE.test(v)) c.error(atKey(field, k), `invalid tag value: ${JSON.stringify(v)}`);
  }
}

/** Returns Istio's error for a unix domain socket path (ValidateUnixAddress, without the `unix://` prefix), or undefined. */
export function unixAddressError(addr: string): string | undefined {
  if (addr === '') return 'unix address must not be empty';
  if (addr.startsWith('@')) return undefined;
  return !addr.startsWith('/') || addr.endsWith('/') ? `${addr} is not an absolute path to a file` : undefined;
}

/** Returns Istio's selector errors as `[key, message]`: no empty keys, no wildcards in keys or values. */
export function selectorErrors(labels: Readonly<Record<string, string>>): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(labels)) {
    const pair = JSON.stringify(`${k}=${v}`);
    if (k === '') out.push([k, `empty key is not supported in selector: ${pair}`]);
    if (k.includes('*') || v.includes('*')) out.push([k, `wildcard is not supported in selector: ${pair}`]);
  }
  return out;
}

/** Reports Istio's workload selector rules (validateWorkloadSelector): the errors of {@link selectorErrors}, and a warning when there are no labels. */
export function checkSelector(c: Collector, field: string, labels: Readonly<Record<string, string>> | undefined): void {
  for (const [k, message] of selectorErrors(labels ?? {})) c.error(atKey(field, k), message);
  if (Object.keys(labels ?? {}).length === 0) c.warn(field, 'workload selector specified without labels');
}

/** How exportTo is checked: service entries may use `~`; workload-selector DestinationRules stay in their namespace. */
export interface ExportToRules {
  readonly serviceEntry?: boolean;
  readonly destinationRuleWithSelector?: boolean;
}

/** Reports Istio's exportTo rules for `values` of an object in `namespace`. */
export function checkExportTo(c: Collector, field: string, namespace: string, values: readonly string[] | undefined, rules: ExportToRules = {}): void {
  if (!values || values.length === 0) return;
  const set = new Set<string>();
  values.forEach((e, i) => {
    const key = e === '.' ? namespace : e;
    if (set.has(key)) {
      c.error(at(field, i), key !== e ? `duplicate entries in exportTo: . and current namespace ${namespace}` : `duplicate entries in exportTo for entry ${e}`);
      return;
    }
    if (rules.serviceEntry && e === '~') {
      set.add(key);
      return;
    }
    const err = key === '*' ? undefined : key === '~' ? 'exportTo ~ (none) is not allowed for Istio configuration objects'
      : isDns1123Label(key) ? undefined : 'only .,*, or a valid DNS 1123 label is allowed as exportTo entry';
    if (err) c.error(at(field, i), err);
    else set.add(key);
  });
  if (rules.destinationRuleWithSelector && set.size > 0) {
    if (!set.has(namespace)) c.error(field, 'destination rule with workload selector cannot have exportTo beyond current namespace');
    else if (set.size > 1) c.error(field, 'destination rule with workload selector cannot have multiple entries in exportTo');
  }
  if (set.has('*') && values.length > 1) c.error(field, 'cannot have both public (*) and non-public exportTo values for a resource');
  if (set.has('~') && values.length > 1) c.error(field, 'cannot export service entry to no one (~) and someone');
}

const PROTOCOLS = ['HTTP', 'HTTP2', 'HTTPS', 'GRPC', 'GRPC-WEB', 'TCP', 'TLS', 'MONGO', 'REDIS', 'MYSQL', 'UDP', 'HTTP_PROXY'] as const;
/** A protocol name Istio knows, upper case. */
export type ProtocolName = (typeof PROTOCOLS)[number];

/** Parses a port protocol case-insensitively as Istio does; undefined when unsupported. */
export function parseProtocolName(p: string | undefined): ProtocolName | undefined {
  const upper = (p ?? '').toUpperCase();
  return (PROTOCOLS as readonly string[]).includes(upper) ? (upper as ProtocolName) : undefined;
}

/** Returns true for protocols Envoy routes as HTTP (HTTP, HTTP2, GRPC, GRPC-WEB, HTTP_PROXY). */
export function isHttpProtocol(p: ProtocolName | undefined): boolean {
  return p === 'HTTP' || p === 'HTTP2' || p === 'GRPC' || p === 'GRPC-WEB' || p === 'HTTP_PROXY';
}

/** Returns true for protocols carried over TLS (HTTPS, TLS). */
export function isTlsProtocol(p: ProtocolName | undefined): boolean {
  return p === 'HTTPS' || p === 'TLS';
}

/** Returns Istio's error for a port name that is not a DNS-1123 label, or undefined. */
export function portNameError(name: string): string | undefined {
  return isDns1123Label(name) ? undefined : `invalid port name: ${name}`;
}
