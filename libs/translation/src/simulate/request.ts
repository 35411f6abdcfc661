/** Application protocol of a simulated request. `grpc` is HTTP/2 with `content-type: application/grpc` and POST. */
export type SimulationProtocol = 'http' | 'http2' | 'grpc' | 'tcp';

/** Transport security the client uses: plaintext, TLS, or TLS with a client certificate. */
export type SimulationTls = 'none' | 'tls' | 'mtls';

/**
 * One request to run through a proxy's config, as the client sends it. Everything but the port is
 * optional (see {@link normalizeSimulationRequest} for the defaults).
 */
export interface SimulationRequest {
  /** Destination IP (the original destination for captured traffic). */
  readonly address?: string;
  /** Destination port; defaults to the port in `host`, else 443 with TLS and 80 without. */
  readonly port?: number;
  readonly protocol?: SimulationProtocol;
  readonly tls?: SimulationTls;
  /** Host / :authority header, possibly with a port (`reviews:9080`). */
  readonly host?: string;
  /** :path, possibly with a query string. */
  readonly path?: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** TLS SNI; takes part in filter-chain matching whenever given. With TLS it defaults to the host. */
  readonly sni?: string;
  /** ALPN protocols the TLS client offers, in preference order (a string is one protocol, or a comma-separated list). */
  readonly alpn?: string | readonly string[];
  /**
   * `outbound` (default): traffic leaving the app, matched by destination address and port.
   * `inbound`: traffic arriving at the workload, matched on the `virtualInbound` listener.
   */
  readonly mode?: 'outbound' | 'inbound';
}

/** A request with every default applied, as the engine uses it. */
export interface NormalizedRequest {
  readonly address: string;
  readonly port: number;
  readonly protocol: SimulationProtocol;
  readonly tls: SimulationTls;
  /** Host without port, lower case ('' when none). */
  readonly host: string;
  /** The Host/:authority header value as sent (may carry a port). */
  readonly authority: string;
  readonly path: string;
  readonly method: string;
  /** Lower-case header names, pseudo-headers (`:method`, `:path`, `:authority`, `:scheme`) included. */
  readonly headers: ReadonlyMap<string, string>;
  readonly sni?: string;
  readonly alpn: readonly string[];
  readonly mode: 'outbound' | 'inbound';
}

/** Istio's simulation default destination address when none is given (pilot/pkg/simulation). */
export const DEFAULT_SIMULATION_ADDRESS = '1.3.3.7';

const PROTOCOLS: readonly string[] = ['http', 'http2', 'grpc', 'tcp'];
const TLS_MODES: readonly string[] = ['none', 'tls', 'mtls'];
const FIELDS: readonly string[] = ['address', 'port', 'protocol', 'tls', 'host', 'path', 'method', 'headers', 'sni', 'alpn', 'mode'];

/** The result of {@link parseSimulationRequest}: the request, or every problem with the input. */
export type ParsedSimulationRequest =
  | { readonly ok: true; readonly request: SimulationRequest }
  | { readonly ok: false; readonly errors: readonly string[] };

/**
 * Checks an untyped value (e.g. the CLI's `--request` JSON) against {@link SimulationRequest}.
 * Returns the request, or one message per bad or unknown field.
 */
export function parseSimulationRequest(value: unknown): ParsedSimulationRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, errors: ['request must be a JSON object'] };
  const v = value as Record<string, unknown>;
  const errors: string[] = [];
  for (const k of Object.keys(v)) if (!FIELDS.includes(k)) errors.push(`request.${k}: unknown field (known: ${FIELDS.join(', ')})`);
  const str = (k: string): void => { if (v[k] !== undefined && typeof v[k] !== 'string') errors.push(`request.${k}: must be a string`); };
  ['address', 'host', 'path', 'method', 'sni'].forEach(str);
  const port = v['port'];
  if (port !== undefined && !(typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536)) errors.push('request.port: must be an integer 1-65535');
  if (v['protocol'] !== undefined && !PROTOCOLS.includes(v['protocol'] as string)) errors.push(`request.protocol: must be one of ${PROTOCOLS.join(', ')}`);
  if (v['tls'] !== undefined && !TLS_MODES.includes(v['tls'] as string)) errors.push(`request.tls: must be one of ${TLS_MODES.join(', ')}`);
  if (v['mode'] !== undefined && v['mode'] !== 'outbound' && v['mode'] !== 'inbound') errors.push('request.mode: must be outbound or inbound');
  const headers = v['headers'];
  if (headers !== undefined && (typeof headers !== 'object' || headers === null || Array.isArray(headers)
    || Object.values(headers).some((h) => typeof h !== 'string'))) errors.push('request.headers: must be an object of string values');
  const alpn = v['alpn'];
  if (alpn !== undefined && typeof alpn !== 'string' && !(Array.isArray(alpn) && alpn.every((a) => typeof a === 'string'))) {
    errors.push('request.alpn: must be a string or an array of strings');
  }
  return errors.length ? { ok: false, errors } : { ok: true, request: v as SimulationRequest };
}

/** Splits `host:port` / `[v6]:port`; `port` is undefined when there is none (a bare IPv6 address has none). */
export function splitHostPort(authority: string): { host: string; port?: number } {
  const bracketed = /^(\[[^\]]*\])(?::(\d+))?$/.exec(authority);
  if (bracketed) return bracketed[2] !== undefined ? { host: bracketed[1]!, port: Number(bracketed[2]) } : { host: bracketed[1]! };
  const plain = /^([^:]*):(\d+)$/.exec(authority);
  return plain ? { host: plain[1]!, port: Number(plain[2]) } : { host: authority };
}

/**
 * Applies the defaults: protocol `http`, tls `none`, address `1.3.3.7` (as Istio's simulation), port
 * from the host else 443/80, host from the `host` header else the address, path `/`, method GET
 * (POST for grpc), SNI = host for TLS requests, ALPN split on commas.
 */
export function normalizeSimulationRequest(r: SimulationRequest): NormalizedRequest {
  const protocol = r.protocol ?? 'http';
  const tls = r.tls ?? 'none';
  const userHeaders = new Map<string, string>();
  for (const [k, v] of Object.entries(r.headers ?? {})) userHeaders.set(k.toLowerCase(), v);
  const address = r.address ?? DEFAULT_SIMULATION_ADDRESS;
  const authority = r.host ?? userHeaders.get(':authority') ?? userHeaders.get('host') ?? r.address ?? '';
  const split = splitHostPort(authority);
  const port = r.port ?? split.port ?? (tls === 'none' ? 80 : 443);
  const host = split.host.toLowerCase();
  const method = r.method ?? userHeaders.get(':method') ?? (protocol === 'grpc' ? 'POST' : 'GET');
  const path = r.path ?? userHeaders.get(':path') ?? '/';
  const headers = new Map(userHeaders);
  headers.delete('host');
  headers.set(':authority', authority);
  headers.set(':method', method);
  headers.set(':path', path);
  headers.set(':scheme', tls === 'none' ? 'http' : 'https');
  if (protocol === 'grpc' && !headers.has('content-type')) headers.set('content-type', 'application/grpc');
  const alpn = typeof r.alpn === 'string' ? r.alpn.split(',').map((s) => s.trim()).filter(Boolean) : [...(r.alpn ?? [])];
  const sni = r.sni ?? (tls !== 'none' && host !== '' ? host : undefined);
  return {
    address, port, protocol, tls, host, authority, path, method, headers, alpn, mode: r.mode ?? 'outbound',
    ...(sni !== undefined ? { sni: sni.toLowerCase() } : {}),
  };
}
