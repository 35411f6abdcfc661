import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT, runCli } from '../../testing/run-cli.js';

// The real bin (apps/cli/dist, built by nx before tests) on the embedded lab and Istio's samples.
const LAB = path.join(REPO_ROOT, 'apps/discovery/lab');
const SAMPLES = path.resolve(REPO_ROOT, '../shared/samples');
const PRODUCTPAGE = 'sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local';
const names = (list: unknown[]): string[] => list.map((x) => (x as { name?: string; clusterName?: string }).name ?? (x as { clusterName: string }).clusterName);
let tmp: string;

beforeAll(() => {
  const dist = path.join(REPO_ROOT, 'apps/cli/dist/commands/translate/translate-command.js');
  if (!fs.existsSync(dist)) throw new Error(`${dist} is missing: build first (npx nx run @minipilot/cli:build)`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'minipilot-translate-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('minipilot translate', () => {
  it('prints every xDS type for a sidecar in proto3 JSON, with istiod names', () => {
    const r = runCli(['translate', '-f', LAB, '--node', PRODUCTPAGE]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown[]>;
    expect(Object.keys(out)).toEqual(['listeners', 'routes', 'clusters', 'endpoints']);
    expect(names(out['listeners']!)).toEqual(expect.arrayContaining(['0.0.0.0_9080', 'virtualOutbound', 'virtualInbound']));
    expect(names(out['routes']!)).toContain('9080');
    expect(names(out['clusters']!)).toEqual(expect.arrayContaining(['outbound|9080|v1|reviews.default.svc.cluster.local', 'outbound|9080||reviews.default.svc.cluster.local', 'BlackHoleCluster', 'PassthroughCluster']));
    expect(names(out['endpoints']!)).toContain('outbound|9080|v2|reviews.default.svc.cluster.local');
    const l9080 = out['listeners']!.find((l) => (l as { name: string }).name === '0.0.0.0_9080') as { filterChains: { filters: { typedConfig: Record<string, unknown> }[] }[] };
    expect(l9080.filterChains[0]!.filters[0]!.typedConfig['@type']).toBe('type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager');
  });

  it('--type selects one list; -o yaml prints the same data as YAML', () => {
    const json = runCli(['translate', '-f', LAB, '--node', PRODUCTPAGE, '--type', 'cds']);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['clusters']);
    const yaml = runCli(['translate', '-f', LAB, '--node', PRODUCTPAGE, '--type', 'cds', '-o', 'yaml']);
    expect(yaml.code).toBe(0);
    expect(parse(yaml.stdout)).toEqual(out);
  });

  it('builds the ingress gateway config from Istio\'s bookinfo samples (router node, --labels)', () => {
    const r = runCli(['translate', '--node', 'router~10.244.0.2~istio-ingressgateway-0.istio-system~istio-system.svc.cluster.local', '--labels', 'istio=ingressgateway',
      '-f', path.join(SAMPLES, 'samples_bookinfo_platform_kube__bookinfo.yaml'), '-f', path.join(SAMPLES, 'samples_bookinfo_networking__bookinfo-gateway.yaml'), '--type', 'rds']);
    expect(r.code).toBe(0);
    const routes = (JSON.parse(r.stdout) as { routes: { name: string; virtualHosts: { name: string; routes: { route: { cluster: string } }[] }[] }[] }).routes;
    const http8080 = routes.find((rc) => rc.name === 'http.8080')!;
    expect(http8080.virtualHosts.map((v) => v.name)).toEqual(['*:8080']);
    expect(http8080.virtualHosts[0]!.routes[0]!.route.cluster).toBe('outbound|9080||productpage.default.svc.cluster.local');
  });

  it('--mesh REGISTRY_ONLY sends unknown traffic to the BlackHoleCluster', () => {
    const mesh = path.join(tmp, 'mesh.yaml');
    fs.writeFileSync(mesh, 'outboundTrafficPolicy:\n  mode: REGISTRY_ONLY\n');
    const r = runCli(['translate', '-f', LAB, '--node', PRODUCTPAGE, '--mesh', mesh, '--type', 'rds']);
    expect(r.code).toBe(0);
    const rc = (JSON.parse(r.stdout) as { routes: { name: string; virtualHosts: { name: string }[] }[] }).routes.find((x) => x.name === '9080')!;
    expect(rc.virtualHosts.map((v) => v.name)).toContain('block_all');
    expect(rc.virtualHosts.map((v) => v.name)).not.toContain('allow_any');
  });

  it('reports config problems on stderr and translates the rest', () => {
    const bad = path.join(tmp, 'bad-vs.yaml');
    fs.writeFileSync(bad, 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: broken, namespace: default}\nspec:\n  hosts: [details]\n  http:\n  - timeout: soon\n    route: [{destination: {host: details}}]\n');
    const r = runCli(['translate', '-f', bad, '-f', LAB, '--node', PRODUCTPAGE, '--type', 'lds']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/VirtualService default\/broken\].*bad-vs\.yaml.*spec\.http\[0\]\.timeout/);
    expect(names((JSON.parse(r.stdout) as { listeners: unknown[] }).listeners)).toContain('0.0.0.0_9080');
  });

  it('exits 1 with nothing on stdout when a file cannot be parsed; --keep-going translates the rest', () => {
    const broken = path.join(tmp, 'broken.yaml');
    fs.writeFileSync(broken, 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: half\n');
    const r = runCli(['translate', '-f', LAB, '-f', broken, '--node', PRODUCTPAGE, '--type', 'lds']);
    expect(r.stderr).toMatch(/broken\.yaml:1: YAML syntax error/);
    expect(r.stderr).toMatch(/error: 1 config file\(s\) could not be read or parsed: .*broken\.yaml \(see above; --keep-going uses the rest\)/);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(1);
    const kept = runCli(['translate', '-f', LAB, '-f', broken, '--node', PRODUCTPAGE, '--type', 'lds', '--keep-going']);
    expect(kept.stderr).toMatch(/broken\.yaml:1: YAML syntax error/);
    expect(kept.code).toBe(0);
    expect(names((JSON.parse(kept.stdout) as { listeners: unknown[] }).listeners)).toContain('0.0.0.0_9080');
  });

  it('-o table prints the columns of istioctl proxy-config listeners, routes, clusters and endpoints', () => {
    const r = runCli(['translate', '-f', LAB, '--node', PRODUCTPAGE, '-o', 'table']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const headers = r.stdout.split('\n').filter((l) => /^(ADDRESSES|NAME|SERVICE FQDN|ENDPOINT) /.test(l)).map((l) => l.split(/ {2,}| (?=[A-Z]{4})/).join('|'));
    expect(headers).toHaveLength(4);
    expect(r.stdout).toMatch(/^ADDRESSES +PORT +MATCH +DESTINATION$/m);
    expect(r.stdout).toMatch(/^0\.0\.0\.0 +9080 +Trans: raw_buffer; App: http\/1\.1,h2c +Route: 9080$/m);
    expect(r.stdout).toMatch(/^NAME +VHOST NAME +DOMAINS +MATCH +VIRTUAL SERVICE$/m);
    expect(r.stdout).toMatch(/^SERVICE FQDN +PORT +SUBSET +DIRECTION +TYPE +DESTINATION RULE$/m);
    expect(r.stdout).toMatch(/^reviews\.default\.svc\.cluster\.local +9080 +v1 +outbound +EDS +reviews\.default$/m);
    expect(r.stdout).toMatch(/^ENDPOINT +STATUS +LOCALITY +CLUSTER$/m);
    const cds = runCli(['translate', '-f', LAB, '--node', PRODUCTPAGE, '-o', 'table', '--type', 'cds']);
    expect(cds.stdout.split('\n')[0]).toMatch(/^SERVICE FQDN/);
    expect(cds.stdout).not.toMatch(/^ADDRESSES/m);
  });

  it.each([
    [['translate', '-f', LAB], /--node/],
    [['translate', '--node', PRODUCTPAGE], /-f PATH/],
    [['translate', '-f', '/nonexistent/minipilot.yaml', '--node', PRODUCTPAGE], /no such file or directory: \/nonexistent\/minipilot\.yaml/],
    [['translate', '-f', LAB, '--node', 'productpage'], /--node: node id "productpage" is not TYPE~IP~POD.NAMESPACE~DOMAIN/],
    [['translate', '-f', LAB, '--node', PRODUCTPAGE, '--labels', 'app'], /--labels: "app" is not key=value/],
    [['translate', '-f', LAB, '--node', PRODUCTPAGE, '--type', 'sds'], /Allowed choices are lds, rds, cds, eds, all/],
    [['translate', '-f', LAB, '--node', PRODUCTPAGE, '-o', 'xml'], /Allowed choices are json, yaml, table/],
    [['translate', '-f', LAB, '--node', PRODUCTPAGE, '--mesh', '/nonexistent/mesh.yaml'], /--mesh \/nonexistent\/mesh\.yaml: cannot read/],
    [['translate', '-f', LAB, '--node', PRODUCTPAGE, '--node-meta', '[1]'], /--node-meta: must be a JSON object/],
  ])('exits 2 with a clear message: %j', (args, message) => {
    const r = runCli(args);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });

  it('exits 2 on an invalid mesh config', () => {
    const mesh = path.join(tmp, 'bad-mesh.yaml');
    fs.writeFileSync(mesh, 'outboundTrafficPolicy:\n  mode: SOMETIMES\n');
    const r = runCli(['translate', '-f', LAB, '--node', PRODUCTPAGE, '--mesh', mesh]);
    expect(r.stderr).toMatch(/invalid MeshConfig[\s\S]*outboundTrafficPolicy\.mode/);
    expect(r.code).toBe(2);
  });
});
