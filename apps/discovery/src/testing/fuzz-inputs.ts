// Seeded random inputs for the fuzz suite: HTTP targets, gRPC frames, DiscoveryRequests, config files.
import { TypeUrl } from '@minipilot/envoy-api';

/** A seeded PRNG (mulberry32): the same seed gives the same inputs on every run. */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  int(maxExclusive: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  /** `length` characters drawn from `alphabet`. */
  text(length: number, alphabet?: string): string;
  bytes(length: number): Buffer;
}

export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const ANY = 'abcxyz019-_.~/%?#[]@:!$&\'()*+,;= "<>\\^`{|}\u00e9\u4e2d\u{1f600}';
  return {
    next,
    int,
    pick: (items) => items[int(items.length)]!,
    chance: (p) => next() < p,
    text: (length, alphabet = ANY) => Array.from({ length }, () => [...alphabet][int([...alphabet].length)]).join(''),
    bytes: (length) => Buffer.from(Array.from({ length }, () => int(256))),
  };
}

const PATHS = ['/', '//', '/ready', '/metrics', '/debug', '/debug/', '/debug/list', '/debug/adsz', '/debug/syncz', '/debug/nackz', '/debug/configz', '/debug/push_status', '/debug/config_dump', '/debug/mesh'];
const QUERY_KEYS = ['limit', 'offset', 'proxyID', 'x', ''];

/** A request target as a hostile client might send it (not always a valid one). */
export function randomTarget(r: Rng): string {
  const base = r.chance(0.5) ? r.pick(PATHS) : `/${r.text(r.int(12))}`;
  const prefix = r.chance(0.2) ? r.pick(['/', '//', '/..', '/%2e%2e']) : '';
  const query = r.chance(0.5) ? `?${Array.from({ length: 1 + r.int(3) }, () => `${r.pick(QUERY_KEYS)}=${r.chance(0.5) ? String(r.int(1e6) - 10) : r.text(r.int(8))}`).join('&')}` : '';
  return encodeURI(`${prefix}${base}`).replace(/%25/g, '%') + query.replace(/[\s#]/g, '');
}

const KNOWN_TYPES = [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener, TypeUrl.RouteConfiguration];
export const VALID_NODE = 'sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local';

/** A node id: valid, one istiod rejects, empty, random, or huge. */
export function randomNodeId(r: Rng): string {
  return r.pick([
    () => VALID_NODE,
    () => 'router~10.244.0.2~istio-ingressgateway-0.istio-system~istio-system.svc.cluster.local',
    () => 'sidecar~~~',
    () => '',
    () => `sidecar~${r.text(8)}~${r.text(8)}~${r.text(8)}`,
    () => r.text(r.int(64)),
    () => `sidecar~10.0.0.1~${'p'.repeat(100_000 + r.int(1_000_000))}.default~default.svc.cluster.local`,
  ])();
}

/** The fields of a random xDS request (SotW and delta alike). */
export interface RandomRequest {
  readonly nodeId: string;
  readonly metadata: Record<string, unknown>;
  readonly typeUrl: string;
  readonly names: string[];
  readonly nonce: string;
  readonly errorMessage?: string;
}

export function randomRequest(r: Rng): RandomRequest {
  const typeUrl = r.chance(0.6) ? r.pick(KNOWN_TYPES) : r.pick(['', 'type.googleapis.com/x', `type.googleapis.com/${r.text(r.int(30))}`, r.text(r.int(2000))]);
  const nameCount = r.pick([0, 1, 3, 50, r.chance(0.05) ? 100_001 : 10]);
  const names = Array.from({ length: nameCount }, (_, i) => (r.chance(0.1) ? '*' : nameCount > 1000 ? `n${i}` : r.text(r.int(40))));
  const metadata: Record<string, unknown> = r.chance(0.7) ? {} : { LABELS: { app: r.text(5) }, INSTANCE_IPS: r.pick(['10.0.0.1', 'bogus', '', '::1,10.0.0.2']), BIG: r.chance(0.1) ? 'm'.repeat(600_000) : r.text(20) };
  const nonce = r.pick(['', '1', '2', r.text(36), 'f'.repeat(r.int(5000))]);
  return {
    nodeId: randomNodeId(r),
    metadata,
    typeUrl,
    names,
    nonce,
    ...(r.chance(0.3) ? { errorMessage: r.chance(0.2) ? 'e'.repeat(1_000_000) : r.text(r.int(100)) } : {}),
  };
}

/** A gRPC length-prefixed message frame around `payload`, sometimes with a lying length or flag. */
export function randomGrpcFrame(r: Rng, payload: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header[0] = r.chance(0.1) ? 1 : 0; // compressed flag without a negotiated encoding
  header.writeUInt32BE(r.chance(0.2) ? r.int(0xffffffff) : payload.length, 1);
  const frame = Buffer.concat([header, payload]);
  return r.chance(0.3) ? frame.subarray(0, r.int(frame.length + 1)) : frame;
}

/** A config file's text: a mutation of a valid one, random bytes, or one of the known troublemakers. */
export function randomConfigFile(r: Rng, valid: readonly string[]): string {
  const base = r.pick(valid);
  return r.pick([
    () => base.slice(0, r.int(base.length)),
    () => base.replace(/: [^\n{[]+/g, (m) => (r.chance(0.1) ? `: ${r.pick(['[', '{', '*', '&a', '*a', '!!binary x', '-1', '1e999', 'null', '"\\u0000"', r.text(10)])}` : m)),
    () => r.bytes(r.int(2000)).toString('latin1'),
    () => `a: &a [x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c]\n`,
    () => `${'['.repeat(5000)}${']'.repeat(5000)}`,
    () => `apiVersion: v1\nkind: Secret\nmetadata: {name: s${r.int(100)}}\ndata: {k: dg==}\n`,
    () => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: many-${r.int(3)}}\nspec:\n  hosts: [${Array.from({ length: r.pick([100, 12_000]) }, (_, i) => `h${i % 5000}.example.com`).join(', ')}]\n  http: [{route: [{destination: {host: h1.example.com}}]}]\n`,
    () => `apiVersion: v1\nkind: List\nitems: ${JSON.stringify(Array.from({ length: r.int(50) }, () => ({ apiVersion: 'v1', kind: r.pick(['Service', 'Pod', 'Weird']), metadata: { name: r.text(5) } })))}\n`,
  ])();
}
