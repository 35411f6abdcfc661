import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { chartContext, renderTemplate } from './testing/render-chart.js';
import { EMBEDDED_LAB_DIR } from './options.js';

// The remote-debugging profile of deploy/: the Helm value (values-debug.yaml) and the manifest overlay
// (deploy/debug/inspector-patch.yaml) both start Node with the inspector on 127.0.0.1:9229 and source
// maps, the image keeps the TypeScript the maps point at, and a server started that way answers the
// inspector's /json/version (here on port 0, as tests use no fixed port).

type Obj = Record<string, any>;
const ROOT = path.resolve(__dirname, '../../..');
const CHART = path.join(ROOT, 'deploy/helm/minipilot');
const INSPECT = '--enable-source-maps --inspect=127.0.0.1:9229';

function renderDeployment(values: Obj): Obj {
  const ctx = chartContext(CHART, 'istio-system');
  const text = renderTemplate(fs.readFileSync(path.join(CHART, 'templates/discovery.yaml'), 'utf8'), { ...ctx, Values: { ...(ctx.Values as Obj), ...values } });
  return parseAllDocuments(text).map((d) => d.toJS() as Obj).find((o) => o.kind === 'Deployment')!;
}
const discovery = (d: Obj): Obj => d.spec.template.spec.containers.find((c: Obj) => c.name === 'discovery');
const envOf = (c: Obj): Record<string, string> => Object.fromEntries((c.env ?? []).map((e: Obj) => [e.name, e.value]));

/** Applies a strategic merge patch the way the API server does for these fields: containers and env merge by name, lists of strings are replaced. */
function strategicMerge(target: Obj, patch: Obj): Obj {
  const out = structuredClone(target);
  const pod = out.spec.template.spec;
  for (const pc of patch.spec.template.spec.containers) {
    const c = pod.containers.find((x: Obj) => x.name === pc.name);
    if (pc.args) c.args = pc.args;
    for (const e of pc.env ?? []) {
      const i = (c.env as Obj[]).findIndex((x) => x.name === e.name);
      if (i >= 0) c.env[i] = e;
      else c.env.push(e);
    }
  }
  return out;
}

describe('deploy/ debug profile', () => {
  it('the Helm debug values render NODE_OPTIONS with the inspector on 127.0.0.1:9229 and debug logs; the defaults only enable source maps', () => {
    const debugValues = parse(fs.readFileSync(path.join(CHART, 'values-debug.yaml'), 'utf8')) as Obj;
    const normal = discovery(renderDeployment({}));
    const debug = discovery(renderDeployment(debugValues));
    expect(envOf(normal)['NODE_OPTIONS']).toBe('--enable-source-maps');
    expect(envOf(debug)['NODE_OPTIONS']).toBe(INSPECT);
    expect(debug.args).toContain('--log-level=debug');
    expect(debug.ports.map((p: Obj) => p.containerPort)).not.toContain(9229); // never exposed: port-forward only
  });

  it('the manifest overlay gives the plain Deployment exactly what the Helm debug profile renders', () => {
    const plain = parseAllDocuments(fs.readFileSync(path.join(ROOT, 'deploy/manifests/03-discovery.yaml'), 'utf8')).map((d) => d.toJS() as Obj).find((o) => o.kind === 'Deployment')!;
    const patch = parse(fs.readFileSync(path.join(ROOT, 'deploy/debug/inspector-patch.yaml'), 'utf8')) as Obj;
    expect(patch.metadata).toEqual({ name: plain.metadata.name, namespace: plain.metadata.namespace });
    const patched = discovery(strategicMerge(plain, patch));
    const helm = discovery(renderDeployment(parse(fs.readFileSync(path.join(CHART, 'values-debug.yaml'), 'utf8')) as Obj));
    expect(patched.args).toEqual(helm.args);
    expect(envOf(patched)).toEqual(envOf(helm));
  });

  it('the image keeps the TypeScript sources the dist source maps point at', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'deploy/Dockerfile'), 'utf8');
    expect(dockerfile).not.toMatch(/rm -rf[^\n]*(libs|apps)\/\*\/src\b(?!\/)/);
    const map = JSON.parse(fs.readFileSync(path.join(ROOT, 'apps/discovery/dist/main.js.map'), 'utf8')) as { sources: string[] };
    expect(map.sources).toEqual(['../src/main.ts']);
    expect(fs.existsSync(path.join(ROOT, 'apps/discovery/dist', map.sources[0]!))).toBe(true);
  });

  describe('a server started with the profile\'s NODE_OPTIONS (port 0)', () => {
    let child: ChildProcess | undefined;
    afterAll(() => { child?.kill(); });

    it('answers the inspector\'s /json/version, and lists main.js as a debug target', async () => {
      child = spawn(process.execPath, [path.join(ROOT, 'apps/discovery/dist/main.js'), '--config-dir', EMBEDDED_LAB_DIR, '--grpc-addr', '127.0.0.1:0', '--monitoring-addr', '127.0.0.1:0', '--log-level', 'warn'], {
        env: { PATH: process.env['PATH'] ?? '', NODE_OPTIONS: INSPECT.replace(':9229', ':0') },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const port = await new Promise<number>((resolve, reject) => {
        let err = '';
        const timer = setTimeout(() => reject(new Error(`no "Debugger listening" line in 20 s: ${err}`)), 20_000);
        child!.stderr!.on('data', (d: Buffer) => {
          err += d.toString();
          const m = /Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(err);
          if (m) { clearTimeout(timer); resolve(Number(m[1])); }
        });
        child!.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${String(code)}: ${err}`)); });
      });
      const version = await (await fetch(`http://127.0.0.1:${port}/json/version`)).json() as Record<string, string>;
      expect(version).toEqual({ Browser: `node.js/${process.version}`, 'Protocol-Version': '1.1' });
      const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json() as { url: string; type: string }[];
      expect(targets).toEqual([expect.objectContaining({ type: 'node', url: expect.stringMatching(/apps\/discovery\/dist\/main\.js$/) })]);
    }, 30_000);
  });
});
