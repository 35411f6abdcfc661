// Header names and values: Istio's rules, and Envoy's `%VAR%` header value formatter syntax.
import type { Headers, HeaderOperations } from '../istio/common.js';
import { at, atKey, type Collector } from './collector.js';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Returns Istio's error for a header name that is empty or not an HTTP token, or undefined. */
export function headerNameError(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  return TOKEN.test(name) ? undefined : `header name ${name} is not a valid header name`;
}

/** Returns true for the headers that set the authority: `:authority` and `host`. */
export function isAuthorityHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === ':authority' || lower === 'host';
}

/** Returns Istio's error for a header name a route may add, set or remove (no Host, no pseudo-headers), or undefined. */
export function headerOperationNameError(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (name.toLowerCase() === 'host') return `invalid header ${JSON.stringify(name)}: cannot set Host header`;
  if (name.startsWith(':')) return `invalid header ${JSON.stringify(name)}: header cannot have ":" prefix`;
  return headerNameError(name);
}

/**
 * Returns the error Envoy's header formatter gives for `value`, or undefined: `%%` is a literal
 * percent, `%NAME%` and `%NAME(args)%` are variables, any other `%` is an error.
 */
export function headerValueError(value: string): string | undefined {
  const prefix = 'header value configuration: invalid header configuration. ';
  for (let pos = 0; pos < value.length; pos++) {
    if (value[pos] !== '%') continue;
    if (value[pos + 1] === '%') {
      pos++;
      continue;
    }
    let i = pos + 1;
    while (i < value.length && /[A-Z0-9_]/.test(value[i]!)) i++;
    if (i === pos + 1 || i >= value.length) {
      return i >= value.length && i > pos + 1 ? `${prefix}Un-terminated variable expression '${value.slice(pos + 1)}'` : `${prefix}Un-escaped % at position ${pos}`;
    }
    if (value[i] === '%') {
      pos = i;
      continue;
    }
    if (value[i] !== '(') return `${prefix}Un-escaped % at position ${pos}`;
    const close = value.indexOf(')%', i);
    if (close < 0) return `${prefix}Un-terminated variable expression '${value.slice(pos + 1)}'`;
    pos = close + 1;
  }
  return undefined;
}

/** Reports the rules for one set of header operations; `request` allows setting the authority. */
function checkOperations(c: Collector, field: string, ops: HeaderOperations | undefined, request: boolean): void {
  if (!ops) return;
  for (const kind of ['set', 'add'] as const) {
    for (const [name, value] of Object.entries(ops[kind] ?? {})) {
      const f = atKey(at(field, kind), name);
      const nameErr = request && isAuthorityHeader(name) ? undefined : headerOperationNameError(name);
      if (nameErr) c.error(f, nameErr);
      const valueErr = headerValueError(value);
      if (valueErr) c.error(f, valueErr);
    }
  }
  (ops.remove ?? []).forEach((name, i) => {
    const err = headerOperationNameError(name);
    if (err) c.error(at(at(field, 'remove'), i), err);
  });
}

/** Reports Istio's rules for a route's or destination's request and response header operations. */
export function checkHeaderOperations(c: Collector, field: string, headers: Headers | undefined): void {
  if (!headers) return;
  checkOperations(c, at(field, 'request'), headers.request, true);
  checkOperations(c, at(field, 'response'), headers.response, false);
}
