import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, runCli } from '../../testing/run-cli.js';

// The real bin on the embedded lab and Istio's samples: the tutorials' routing questions as requests.
const LAB = path.join(REPO_ROOT, 'apps/discovery/lab');
const SAMPLES = path.resolve(REPO_ROOT, '../shared/samples');
const sample = (name: string): string => path.join(SAMPLES, `samples_${name}.yaml`);
const PRODUCTPAGE = 'sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local';
const INGRESS = 'router~10.244.0.2~istio-ingressgateway-0.istio-system~istio-system.svc.cluster.local';
let tmp: string;

/** Runs simulate; the exit status must be 1 exactly when the result has an `error`. */
function simulate(args: string[], request: object): Record<string, unknown> {
  const r = runCli(['simulate', ...args, '--request', JSON.stringify(request)]);
  if (r.code !== 0 && r.code !== 1) throw new Error(`minipilot simulate exited ${String(r.code)}: ${r.stderr}`);
  const result = JSON.parse(r.stdout) as Record<string, unknown>;
  expect(r.code).toBe(result['error'] === undefined ? 0 : 1);
  return result;
}

beforeAll(() => {
  const dist = path.join(REPO_ROOT, 'apps/cli/dist/commands/simulate/simulate-command.js');
  if (!fs.existsSync(dist)) throw new Error(`${dist} is missing: build first (npx nx run @minipilot/cli:build)`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'minipilot-simulate-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('minipilot simulate', () => {
  it('GET reviews:9080/ with end-user: jason from productpage → v2 (reviews-test-v2 applied over the lab), printed as one JSON object', () => {
    const r = runCli(['simulate', '-f', LAB, '-f', sample('bookinfo_networking__virtual-service-reviews-test-v2'), '--node', PRODUCTPAGE,
      '--request', '{"host":"reviews","port":9080,"method":"GET","path":"/","headers":{"end-user":"jason"}}']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      listener: '0.0.0.0_9080', routeConfig: '9080', virtualHost: 'reviews.default.svc.cluster.local:9080', match: '/* end-user=jason',
      virtualService: 'default/reviews', cluster: 'outbound|9080|v2|reviews.default.svc.cluster.local',
    });
    expect(r.stdout).not.toContain('""'); // unnamed steps (the filter chain, the route) are left out, never printed empty
    expect(r.stderr).toMatch(/VirtualService default\/reviews\] .*virtual-service-reviews-test-v2\.yaml/); // it replaced the lab's reviews VS
  });

  it('answers from Istio\'s samples alone: 50/50 v3 gives both weighted candidates', () => {
    const files = ['bookinfo_platform_kube__bookinfo', 'bookinfo_networking__destination-rule-all', 'bookinfo_networking__virtual-service-reviews-50-v3'].flatMap((f) => ['-f', sample(f)]);
    expect(simulate([...files, '--node', PRODUCTPAGE], { host: 'reviews', port: 9080 })).toMatchObject({
      clusters: [{ name: 'outbound|9080|v1|reviews.default.svc.cluster.local', weight: 50 }, { name: 'outbound|9080|v3|reviews.default.svc.cluster.local', weight: 50 }],
    });
  });

  it('routes /productpage through the ingress gateway selected by --labels', () => {
    expect(simulate(['-f', LAB, '--node', INGRESS, '--labels', 'istio=ingressgateway'], { port: 8080, host: 'bookinfo.example.com', path: '/productpage' })).toEqual({
      listener: '0.0.0.0_8080', routeConfig: 'http.8080', virtualHost: '*:8080', match: '/productpage', virtualService: 'default/bookinfo',
      cluster: 'outbound|9080||productpage.default.svc.cluster.local',
    });
    expect(simulate(['-f', LAB, '--node', INGRESS, '--labels', 'istio=ingressgateway'], { port: 8080, path: '/nothing' }).error).toBe('no route'); // exit 1
  });

  it('exits 1 on {"error":"no listener"}, still printing the JSON', () => {
    const r = runCli(['simulate', '-f', LAB, '--node', INGRESS, '--labels', 'istio=ingressgateway', '--request', '{"port":9999,"host":"bookinfo.example.com"}']);
    expect(JSON.parse(r.stdout)).toEqual({ error: 'no listener' });
    expect(r.code).toBe(1);
  });

  it('exits 1 with nothing on stdout when a config file cannot be parsed, unless --keep-going', () => {
    const broken = path.join(tmp, 'broken.yaml');
    fs.writeFileSync(broken, 'kind: [\n');
    const args = ['simulate', '-f', LAB, '-f', broken, '--node', PRODUCTPAGE, '--request', '{"host":"ratings","port":9080}'];
    const r = runCli(args);
    expect(r.stderr).toMatch(/broken\.yaml:1: YAML syntax error[\s\S]*could not be read or parsed/);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(1);
    const kept = runCli([...args, '--keep-going']);
    expect(kept.code).toBe(0);
    expect(JSON.parse(kept.stdout)).toMatchObject({ cluster: 'outbound|9080|v1|ratings.default.svc.cluster.local' });
  });

  it('--mesh REGISTRY_ONLY blocks unknown hosts but not the httpbin.org ServiceEntry', () => {
    const mesh = path.join(tmp, 'mesh.yaml');
    fs.writeFileSync(mesh, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio, namespace: istio-system}\ndata:\n  mesh: |\n    outboundTrafficPolicy:\n      mode: REGISTRY_ONLY\n');
    const args = ['-f', LAB, '--node', PRODUCTPAGE, '--mesh', mesh];
    const blocked = simulate(args, { host: 'example.com', port: 9080 });
    expect(blocked).toMatchObject({ listener: '0.0.0.0_9080', virtualHost: 'block_all' });
    expect(blocked).not.toHaveProperty('cluster');
    expect(simulate(args, { host: 'httpbin.org', port: 80 })).toMatchObject({ virtualHost: 'httpbin.org:80', cluster: 'outbound|80||httpbin.org' });
    expect(simulate(args, { address: '203.0.113.7', port: 5432, protocol: 'tcp' })).toEqual({ listener: 'virtualOutbound', filterChain: 'virtualOutbound-catchall-tcp', cluster: 'BlackHoleCluster' });
  });

  it('--node-meta GENERATOR=grpc simulates a proxyless gRPC client on its api_listener', () => {
    expect(simulate(['-f', LAB, '--node', PRODUCTPAGE, '--node-meta', '{"GENERATOR":"grpc","ISTIO_VERSION":"1.23"}'], { host: 'reviews', port: 9080, protocol: 'grpc' })).toMatchObject({
      listener: 'reviews:9080', cluster: 'outbound|9080|v1|reviews.default.svc.cluster.local',
    });
  });

  it.each([
    [['--request', '{"host":'], /--request: invalid JSON/],
    [['--request', '{"port":"9080","tls":"maybe"}'], /--request: request\.port: must be an integer 1-65535; request\.tls: must be one of none, tls, mtls/],
    [[], /required option '--request <json>' not specified/],
  ])('exits 2 on a bad request: %j', (extra, message) => {
    const r = runCli(['simulate', '-f', LAB, '--node', PRODUCTPAGE, ...extra]);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});
