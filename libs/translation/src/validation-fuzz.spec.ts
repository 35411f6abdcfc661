import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { analyzeConfig, configKey, createConfigSnapshot, loadYaml, parseConfigObject, withholdInvalid, type ConfigObject } from '@minipilot/config';
import { buildPushContext } from './model/push-context.js';
import { generateResources } from './generate.js';
import { parseProxy, type ProxyNodeInput } from './proxy.js';
import { checkEnvoyResources, formatViolation } from './acceptance/check.js';

// Fuzz-style property test (fixed seed, bounded iterations): mutated Istio samples never make the
// loader or the validator throw, and whatever passes validation (and the cross-resource checks, as
// the server applies them) translates into resources Envoy would accept.
const SEED = 0x5eed1234;
const ITERATIONS = 300;

const samplesDir = path.resolve(__dirname, '../../../../shared/samples');
const labDir = path.resolve(__dirname, '../../../apps/discovery/lab');
const ISTIO_KINDS = new Set(['VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry']);

function loadDir(dir: string): ConfigObject[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().flatMap((f) => loadYaml(fs.readFileSync(path.join(dir, f), 'utf8'), f).objects);
}

/** mulberry32: a tiny deterministic PRNG. */
function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const rand = createRandom(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const int = (n: number): number => Math.floor(rand() * n);

function randomUnicode(len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) {
    const r = rand();
    s += r < 0.3 ? String.fromCodePoint(0x20 + int(0x5f)) : r < 0.6 ? String.fromCodePoint(0xa0 + int(0x2000)) : r < 0.8 ? String.fromCodePoint(0x1f300 + int(0x300)) : pick(['%', '*', '/', '.', ':', '\\', '(', '?', '\u0000', '\u202e']);
  }
  return s;
}

function deepNest(depth: number): Json {
  let v: Json = 'leaf';
  for (let i = 0; i < depth; i++) v = rand() < 0.5 ? { nested: v } : [v];
  return v;
}

const INTERESTING: readonly Json[] = [
  null, true, false, 0, -1, 1, 65535, 65536, 2 ** 31, -(2 ** 31), 1e300, 0.5, '', ' ', '*', '*.', '.', '~', 'a/b', '0s', '1ns', '999us', '1h30m',
  '-5s', '100%', '%HOSTNAME', '%', '(?=x)', '[', '.*', '^/$', 'x'.repeat(1025), 'UPPER.Case.COM', '10.0.0.1', '::1', '10.0.0.0/8', 'unix:///tmp/s',
  'mesh', 'default/gw', 'reviews', 'v1', 'HTTP', 'TLS', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL', 'DNS', 'STATIC', 'MESH_EXTERNAL', [], {}, [''], [null], { '': '' },
];

function randomValue(): Json {
  const r = rand();
  if (r < 0.5) return pick(INTERESTING);
  if (r < 0.65) return randomUnicode(1 + int(40));
  if (r < 0.75) return 'h'.repeat(10_000 + int(100_000));
  if (r < 0.85) return deepNest(50 + int(400));
  if (r < 0.95) return rand() * 200_000 - 100_000;
  return { [randomUnicode(5)]: randomUnicode(5) };
}

/** Every container (object or array) inside `root` with its keys, for picking a mutation site. */
function sites(root: Json): { parent: Record<string, Json> | Json[]; key: string | number }[] {
  const out: { parent: Record<string, Json> | Json[]; key: string | number }[] = [];
  const visit = (v: Json, depth: number): void => {
    if (depth > 30 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) v.forEach((x, i) => { out.push({ parent: v, key: i }); visit(x, depth + 1); });
    else for (const [k, x] of Object.entries(v)) { out.push({ parent: v, key: k }); visit(x, depth + 1); }
  };
  visit(root, 0);
  return out;
}

function mutate(obj: Json): void {
  const all = sites(obj).filter((s) => !(s.parent === obj && (s.key === 'kind' || s.key === 'apiVersion')));
  if (all.length === 0) return;
  const { parent, key } = pick(all);
  const r = rand();
  if (r < 0.3) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
  } else if (r < 0.8) {
    (parent as Record<string | number, Json>)[key] = randomValue();
  } else if (r < 0.9 && Array.isArray(parent)) {
    parent.push(structuredClone(parent[key as number]!));
  } else {
    const value = (parent as Record<string | number, Json>)[key]!;
    if (!Array.isArray(parent) && typeof key === 'string') {
      delete parent[key];
      parent[rand() < 0.5 ? key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : randomUnicode(6)] = value;
    }
  }
}

/** The raw (YAML-shaped) form of a loaded object. */
function raw(o: ConfigObject): Json {
  const { origin: _origin, ...rest } = o;
  return JSON.parse(JSON.stringify(rest)) as Json;
}

const proxies: ProxyNodeInput[] = [
  { id: 'sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local', metadata: { ISTIO_VERSION: '1.27.0' }, labels: { app: 'productpage', version: 'v1' } },
  { id: 'router~10.244.0.50~istio-ingressgateway-0.istio-system~istio-system.svc.cluster.local', metadata: { ISTIO_VERSION: '1.27.0' }, labels: { istio: 'ingressgateway' } },
  { id: 'sidecar~10.244.0.12~curl-0.default~default.svc.cluster.local', metadata: { GENERATOR: 'grpc' }, labels: { app: 'curl' } },
  { id: 'router~10.244.0.51~istio-egressgateway-0.istio-system~istio-system.svc.cluster.local', labels: { istio: 'egressgateway' } },
];

describe('fuzzing the loader, the validator and translation with mutated samples', () => {
  const base = [...loadDir(labDir), ...loadDir(samplesDir)];
  const seeds = base.filter((o) => ISTIO_KINDS.has(o.kind));

  it('has seeds', () => {
    expect(seeds.length).toBeGreaterThan(30);
  });

  it(`never throws, and what validates is accepted by Envoy (${ITERATIONS} iterations, seed ${SEED})`, () => {
    let accepted = 0;
    let rejected = 0;
    const failures: string[] = [];
    for (let i = 0; i < ITERATIONS && failures.length < 5; i++) {
      const obj = raw(pick(seeds));
      for (let m = 1 + int(3); m > 0; m--) mutate(obj);
      const result = parseConfigObject(obj, { file: `fuzz-${i}.yaml`, doc: 0 });
      if (i % 10 === 0) {
        let text: string;
        try { text = stringify(obj, { aliasDuplicateObjects: false }); } catch { text = randomUnicode(200); }
        if (rand() < 0.3) text = text.slice(0, int(text.length)) + randomUnicode(5);
        expect(() => loadYaml(text, `fuzz-${i}.yaml`)).not.toThrow();
      }
      if (!result.object) {
        rejected++;
        continue;
      }
      accepted++;
      const key = configKey(result.object);
      const snapshot = createConfigSnapshot([result.object, ...base.filter((o) => configKey(o) !== key)]);
      const served = withholdInvalid(snapshot, analyzeConfig(snapshot));
      const node = proxies[i % proxies.length]!;
      const proxy = parseProxy(node);
      const res = generateResources(proxy, buildPushContext(served));
      const out = checkEnvoyResources(res, { istioProxy: proxy.istioProxy });
      if (out.violations.length > 0) {
        failures.push(`iteration ${i} (${node.id}): ${JSON.stringify(obj).slice(0, 600)}\n  ${out.violations.slice(0, 3).map(formatViolation).join('\n  ')}`);
      }
    }
    expect(failures).toEqual([]);
    // The mutations must exercise both outcomes, or the property says nothing.
    expect(accepted).toBeGreaterThan(ITERATIONS / 10);
    expect(rejected).toBeGreaterThan(ITERATIONS / 10);
  });
});
