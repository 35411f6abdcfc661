// Header names and values as Istio validates them (validation.go: ValidateHTTPHeader*; header_value_validator.go).
import type { Headers, HeaderOperations } from '../istio/common.js';
import { at, atKey, type Collector } from './collector.js';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const PSEUDO_HEADERS = new Set([':method', ':scheme', ':authority', ':path', ':status']);
/** Header names of the form `@request.auth.claims.NAME` or `@request.auth.claims[NAME]` route on JWT claims. */
const JWT_CLAIM_PREFIX = '@request.auth.claims';

/** Returns Istio's error for a header name that is empty or not an HTTP token (ValidateCORSHTTPHeaderName without `*`), or undefined. */
export function headerNameError(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  return TOKEN.test(name) ? undefined : `header name ${name} is not a valid header name`;
}

/** Returns Istio's error for a CORS allow/expose header name (`*` allowed), or undefined. */
export function corsHeaderNameError(name: string): string | undefined {
  return name === '*' ? undefined : headerNameError(name);
}

/** Returns true when `name` routes on a JWT claim (Istio's jwt.ToRoutingClaim(name).Match). */
export function isJwtClaimRoute(name: string): boolean {
  if (!name.toLowerCase().startsWith(JWT_CLAIM_PREFIX)) return false;
  const rest = name.slice(JWT_CLAIM_PREFIX.length);
  return (rest.startsWith('.') && rest.length > 1) || (rest.startsWith('[') && rest.endsWith(']') && rest.length > 2);
}

/** Returns Istio's error for a header name in a match (ValidateHTTPHeaderNameOrJwtClaimRoute), or undefined. */
export function matchHeaderNameError(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (isJwtClaimRoute(name) || PSEUDO_HEADERS.has(name)) return undefined;
  return headerNameError(name);
}

/** Returns true for the headers that set the authority: `:authority` and `host`. */
export function isAuthorityHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === ':authority' || lower === 'host';
}

function isInternalHeader(name: string): boolean {
  return name.startsWith(':') || name.toLowerCase() === 'host';
}

/** Returns Istio's error for a request header a route adds or sets (ValidateHTTPHeaderWithAuthorityOperationName), or undefined. */
export function requestHeaderNameError(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (isInternalHeader(name) && !isAuthorityHeader(name)) return `invalid header ${JSON.stringify(name)}: header cannot have ":" prefix`;
  return undefined;
}

/** Returns Istio's error for a header a route removes, or a response header it adds or sets (ValidateHTTPHeaderOperationName), or undefined. */
export function headerOperationNameError(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (name.toLowerCase() === 'host') return `invalid header ${JSON.stringify(name)}: cannot set Host header`;
  if (isInternalHeader(name)) return `invalid header ${JSON.stringify(name)}: header cannot have ":" prefix`;
  return undefined;
}

// Control characters other than tab (protoc-gen-validate's header value rule, as Istio copies it).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F]/;

/**
 * Returns Istio's error for a header value (ValidateHTTPHeaderValue), or undefined: no control
 * characters, and Envoy's `%VAR%` / `%VAR(args)%` formatter syntax as Istio's port of Envoy's
 * header parser checks it (`%%` is a literal percent).
 */
export function headerValueError(value: string): string | undefined {
  if (CONTROL.test(value)) return `header value configuration ${value} is invalid`;
  const err = formatterError(value);
  return err === undefined ? undefined : `header value configuration: ${err}`;
}

type State = 'literal' | 'name' | 'array' | 'string-start' | 'string' | 'delimiter' | 'args-end' | 'var-end';

/** The state machine of Istio's header_value_validator.go (a port of Envoy's header_parser.cc). */
function formatterError(v: string): string | undefined {
  const prefix = 'invalid header configuration. ';
  let state: State = 'literal';
  for (let pos = 0; pos < v.length; pos++) {
    const ch = v[pos]!;
    const hasNext = pos + 1 < v.length;
    switch (state) {
      case 'literal':
        if (ch !== '%') break;
        if (!hasNext) return `${prefix}Un-escaped %`;
        if (v[pos + 1] === '%') pos++;
        else state = 'name';
        break;
      case 'name':
        if (ch === '%') state = 'literal';
        else if (ch === '(') state = 'array';
        break;
      case 'array':
        if (ch === '[') state = 'string-start';
        else if (ch !== ' ') state = 'string';
        break;
      case 'delimiter':
        if (ch === ',') state = 'string-start';
        else if (ch === ']') state = 'args-end';
        else if (ch !== ' ') return `${prefix}Expecting ',', ']', or whitespace`;
        break;
      case 'string-start':
        if (ch === '"') state = 'string';
        else if (ch !== ' ') return `${prefix}Expecting '"'`;
        break;
      case 'string':
        if (ch === '\\') {
          if (!hasNext) return `${prefix}Un-terminated backslash in JSON string`;
          pos++;
        } else if (ch === ')') state = 'var-end';
        else if (ch === '"') state = 'delimiter';
        break;
      case 'args-end':
        if (ch === ')') state = 'var-end';
        else if (ch !== ' ') return `${prefix}Expecting ')' or whitespace after '{}', but found '{}'`;
        break;
      case 'var-end':
        if (ch === '%') state = 'literal';
        else if (ch !== ' ') return `${prefix}Expecting '%' or whitespace after`;
        break;
    }
  }
  return state === 'literal' ? undefined : `${prefix}Un-terminated variable expression '${v}'`;
}

/** Reports the rules for one set of header operations; `request` allows setting the authority. */
function checkOperations(c: Collector, field: string, ops: HeaderOperations | undefined, request: boolean): void {
  if (!ops) return;
  for (const kind of ['add', 'set'] as const) {
    for (const [name, value] of Object.entries(ops[kind] ?? {})) {
      const f = atKey(at(field, kind), name);
      const nameErr = request ? requestHeaderNameError(name) : headerOperationNameError(name);
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

/** Reports Istio's rules for a route's or destination's request and response header operations (add, set, remove, in Istio's order). */
export function checkHeaderOperations(c: Collector, field: string, headers: Headers | undefined): void {
  if (!headers) return;
  checkOperations(c, at(field, 'request'), headers.request, true);
  checkOperations(c, at(field, 'response'), headers.response, false);
}
