import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI_BIN, REPO_ROOT, runCli } from '../../testing/run-cli';
import type { ReportedProblem, ValidationReport } from './validation-report';

/** Istio's validation cases, one resource per file, headed `# expect: ...` (read at run time). */
const CASES_DIR = path.resolve(REPO_ROOT, '../shared/cases/validation');

interface ValidationCase {
  readonly file: string;
  readonly path: string;
  readonly valid: boolean;
  /** For invalid cases: a substring of an error; for valid ones: of a warning, when the header gives one. */
  readonly substring?: string;
}

function loadCases(): ValidationCase[] {
  return fs.readdirSync(CASES_DIR).filter((f) => f.endsWith('.yaml')).sort().map((file) => {
    const text = fs.readFileSync(path.join(CASES_DIR, file), 'utf8');
    const expect = /^# expect: (valid|invalid)(?:: (.+))?$/m.exec(text);
    if (!expect) throw new Error(`${file}: no '# expect:' header`);
    const warning = /^# warning: (.+)$/m.exec(text);
    const substring = expect[1] === 'invalid' ? expect[2] : warning?.[1];
    return { file, path: path.join(CASES_DIR, file), valid: expect[1] === 'valid', ...(substring !== undefined ? { substring } : {}) };
  });
}

/** The 1-based line where a case's object starts: the first line after its `#` header. */
function objectLine(file: string): number {
  return fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => !l.startsWith('#')) + 1;
}

/** Fails when the built CLI is missing or older than the validate sources (the tests run the real bin). */
function assertBuilt(): void {
  const dist = path.join(REPO_ROOT, 'apps/cli/dist/commands/validate/validate-command.js');
  if (!fs.existsSync(dist)) throw new Error(`${dist} is missing: build first (npx nx run @minipilot/cli:build)`);
  const built = fs.statSync(dist).mtimeMs;
  const stale = fs.readdirSync(__dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts') && fs.statSync(path.join(__dirname, f)).mtimeMs > built);
  if (stale.length) throw new Error(`apps/cli/dist is older than ${stale.join(', ')}: rebuild (npx nx run @minipilot/cli:build)`);
}

const cases = loadCases();
let report: ValidationReport;
let byFile: Map<string, ReportedProblem[]>;

beforeAll(() => {
  assertBuilt();
  // One process for all cases (starting the CLI 110 times is slow); each resource is checked on its own
  // (--no-analysis, as `istioctl validate`), and every case's problems are judged separately below.
  // A generous timeout: CI machines are shared and the one process reads every case.
  const r = spawnSync(process.execPath, [CLI_BIN, 'validate', '--no-analysis', '-o', 'json', ...cases.flatMap((c) => ['-f', c.path])], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }, encoding: 'utf8', timeout: 120_000,
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(1);
  report = JSON.parse(r.stdout) as ValidationReport;
  byFile = new Map(cases.map((c) => [c.path, report.problems.filter((p) => p.file === c.path)]));
});

describe('minipilot validate on the shared Istio validation cases', () => {
  it('has the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(110);
  });

  it('exits 1 for the batch (it holds invalid resources) and counts every case', () => {
    expect(report.exitCode).toBe(1);
    expect(report.summary.resources).toBe(cases.length);
    expect(report.summary.invalid).toBe(cases.filter((c) => !c.valid).length);
  });

  for (const c of cases) {
    it(`${c.file}: ${c.valid ? 'valid' : 'invalid'}${c.substring ? `: ${c.substring}` : ''}`, () => {
      const problems = byFile.get(c.path)!;
      const errors = problems.filter((p) => p.severity === 'error').map((p) => p.text);
      if (c.valid) {
        expect(errors).toEqual([]);
        if (c.substring) expect(problems.filter((p) => p.severity === 'warning').map((p) => p.text)).toContainEqual(expect.stringContaining(c.substring));
      } else {
        expect(errors).toContainEqual(expect.stringContaining(c.substring!));
      }
    });
  }
});

describe('minipilot validate exit codes and output', () => {
  const pick = (pred: (c: ValidationCase) => boolean): ValidationCase => cases.find(pred)!;

  it('exits 1 and prints the error line and a summary for an invalid resource', () => {
    const c = pick((x) => x.file.startsWith('005-'));
    const r = runCli(['validate', '-f', c.path]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      `Error [Gateway default/partial-wildcard-host] ${c.path}:${objectLine(c.path)}: spec.servers[0].hosts[0]: partial wildcard "*bar.com" not allowed\n`
      + 'Summary: 1 resource checked, 1 invalid, 0 valid (1 error, 0 warnings)\n',
    );
  });

  it('exits 0 for a resource with warnings only, and prints them', () => {
    const c = pick((x) => x.file.startsWith('035-'));
    const r = runCli(['validate', '-f', c.path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Warning [Gateway default/valid-invalid-cipher-suite] ${c.path}:${objectLine(c.path)}: spec.servers[0].tls.cipherSuites: ignoring invalid cipher suites: [not-a-cipher-suite]`);
    expect(r.stdout).toContain('Summary: 1 resource checked, all valid (0 errors, 1 warning)');
  });

  describe('with scratch files', () => {
    let dir: string;
    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minipilot-validate-')); });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, text: string): string => {
      fs.writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };

    it('exits 2 for a missing file and for a YAML syntax error, naming line and column', () => {
      const missing = runCli(['validate', '-f', path.join(dir, 'nope.yaml')]);
      expect(missing.code).toBe(2);
      expect(missing.stdout).toContain(`Error ${path.join(dir, 'nope.yaml')}: no such file or directory`);
      const broken = write('broken.yaml', 'apiVersion: networking.istio.io/v1\nkind: [Gateway\n');
      const r = runCli(['validate', '-f', broken, '-o', 'json']);
      expect(r.code).toBe(2);
      const json = JSON.parse(r.stdout) as ValidationReport;
      expect(json.exitCode).toBe(2);
      expect(json.summary.unreadable).toEqual([broken]);
      expect(json.problems[0]!.message).toMatch(/^YAML syntax error: line \d+, column \d+: /);
    });

    it('reads directories, reports every problem of a resource at once, and runs the cross-resource checks', () => {
      write('a.yaml', `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  gateways: [missing-gw]
  http:
  - match: [{uri: {regex: "(?!x)"}, headers: {"": {exact: a}}}]
    timeout: 500us
    route: [{destination: {host: reviews, subset: v1}}]
`);
      write('b.yml', `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ratings, namespace: default}
spec:
  hosts: [ratings]
  gateways: [missing-gw]
  http:
  - route: [{destination: {host: ratings, subset: v1}}]
`);
      const r = runCli(['validate', '-f', dir]);
      expect(r.code).toBe(1);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines.filter((l) => l.startsWith('Error [VirtualService default/reviews]'))).toEqual([
        expect.stringContaining('header name cannot be empty'),
        expect.stringContaining('"uri": error parsing regexp: invalid or unsupported Perl syntax: `(?!`'),
        expect.stringContaining('spec.http[0].timeout: duration must be greater than 1ms'),
      ]);
      // Cross-resource findings carry analyze's code and level: IST0101 is an Error in istioctl analyze.
      expect(lines).toContain(`Error [IST0101] [VirtualService default/ratings] ${path.join(dir, 'b.yml')}:1: spec.gateways[0]: Referenced gateway not found: "missing-gw"`);
      expect(lines).toContain(`Warning [IST0132] [VirtualService default/ratings] ${path.join(dir, 'b.yml')}:1: spec.gateways[0]: one or more host [ratings] defined in VirtualService default/ratings not found in Gateway default/missing-gw.`);
      expect(lines).toContain(`Error [IST0101] [VirtualService default/ratings] ${path.join(dir, 'b.yml')}:1: spec.http[0].route[0].destination.subset: Referenced host+subset in destinationrule not found: "ratings+v1"`);
      expect(lines[lines.length - 1]).toBe('Summary: 2 resources checked, 2 invalid, 0 valid (5 errors, 1 warning)');
    });
    it('prints the line of each object, warns about kinds it does not check, and names a missing metadata.name', () => {
      const file = write('mixed.yaml', `# a comment
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: shop}
spec: {egress: [{hosts: ['./*']}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec: {}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {namespace: shop}
spec: {host: reviews}
---

apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs, namespace: shop}
spec:
  hosts: [reviews]
  http:
  - route: [{destination: {host: reviews}}]
  - route: [{destination: {host: ratings}}]
`);
      const r = runCli(['validate', '-f', file, '-o', 'json']);
      expect(r.code).toBe(1);
      const json = JSON.parse(r.stdout) as ValidationReport;
      expect(json.problems.map((p) => [p.severity, p.code ?? '', p.line, p.text])).toEqual([
        ['error', '', 17, `Error [DestinationRule shop/?] ${file}:17: metadata.name: name is required: every object needs metadata.name`],
        ['warning', 'IST0130', 23, `Warning [IST0130] [VirtualService shop/vs] ${file}:23: spec.http[1]: virtualService rule #1 not used (only the last rule can have no matches)`],
        ['warning', '', 3, `Warning [Sidecar shop/default] ${file}:3: Sidecar (networking.istio.io/v1) is not checked: minipilot validates VirtualService, DestinationRule, Gateway, ServiceEntry and PeerAuthentication only; use istioctl validate for this kind`],
        ['warning', '', 8, `Warning [HTTPRoute default/r] ${file}:8: HTTPRoute (gateway.networking.k8s.io/v1) is not checked: minipilot validates VirtualService, DestinationRule, Gateway, ServiceEntry and PeerAuthentication only; use istioctl validate for this kind`],
      ]);
      expect(json.summary.notChecked).toEqual({ 'Sidecar': 1, 'HTTPRoute.gateway.networking.k8s.io': 1 });
      expect(json.summary.skipped).toEqual({ Deployment: 1 });
      const text = runCli(['validate', '-f', file]);
      expect(text.stdout.trimEnd().split('\n').pop()).toBe('Summary: 2 resources checked, 1 invalid, 1 valid (1 error, 3 warnings; 2 not checked: Sidecar, HTTPRoute.gateway.networking.k8s.io; 1 other skipped: Deployment)');
    });
  });
});
