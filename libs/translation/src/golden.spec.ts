import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadYaml, createConfigSnapshot, parseMeshConfig, configKey, type ConfigObject } from '@minipilot/config';
import { buildPushContext, generateResources, parseProxy, resourcesToJson, checkConsistent, checkEnvoyResources, formatViolation } from './index.js';
import { loadObjects, REPO_ROOT } from './testing/lab-config.js';

// Golden files at the translation edge (Envoy Gateway style): each testdata/golden/<case>.in.yaml
// names a proxy and its inputs in `#` header lines; the Envoy resources it gets are compared with
// <case>.{listeners,routes,clusters,endpoints}.json. Regenerate with UPDATE_GOLDEN=1 and review the diff.
//   # proxy: <node id>            # meta: {"ISTIO_VERSION": "1.28.0"}   (optional node metadata)
//   # include: <path from the repo root, file or directory>   (repeatable, applied in order)
//   # mesh: <one-line MeshConfig YAML>                          (optional)
// Objects of later includes and of the file itself replace earlier ones with the same key.

const DIR = path.resolve(__dirname, '../testdata/golden');
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';
const cases = fs.readdirSync(DIR).filter((f) => f.endsWith('.in.yaml')).sort();

function header(text: string, key: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`# ${key}:`)).map((l) => l.slice(key.length + 3).trim());
}

describe('golden translation', () => {
  it('has scenarios', () => expect(cases.length).toBeGreaterThan(0));

  it.each(cases)('%s', (file) => {
    const text = fs.readFileSync(path.join(DIR, file), 'utf8');
    const [nodeId] = header(text, 'proxy');
    expect(nodeId).toBeDefined();
    const byKey = new Map<string, ConfigObject>();
    for (const inc of header(text, 'include')) for (const o of loadObjects(path.resolve(REPO_ROOT, inc))) byKey.set(configKey(o), o);
    const own = loadYaml(text, file);
    expect(own.problems.filter((p) => p.severity === 'error')).toEqual([]);
    for (const o of own.objects) byKey.set(configKey(o), o);
    const meshLine = header(text, 'mesh')[0];
    const mesh = meshLine ? parseMeshConfig(meshLine).mesh : undefined;
    const meta = header(text, 'meta')[0];
    const proxy = parseProxy({ id: nodeId!, ...(meta ? { metadata: JSON.parse(meta) as Record<string, unknown> } : {}) });
    const res = generateResources(proxy, buildPushContext(createConfigSnapshot(byKey.values()), mesh));
    expect(checkConsistent(res)).toEqual([]);
    expect(checkEnvoyResources(res, { istioProxy: proxy.istioProxy }).violations.map(formatViolation)).toEqual([]);
    const json = resourcesToJson(res);
    const base = path.join(DIR, file.replace(/\.in\.yaml$/, ''));
    for (const type of ['listeners', 'routes', 'clusters', 'endpoints'] as const) {
      const out = `${base}.${type}.json`;
      const actual = JSON.stringify(json[type], null, 2) + '\n';
      if (UPDATE) fs.writeFileSync(out, actual);
      expect(fs.existsSync(out) ? `${type}:\n${fs.readFileSync(out, 'utf8')}` : `${out} missing: run with UPDATE_GOLDEN=1`).toBe(`${type}:\n${actual}`);
    }
  });
});
