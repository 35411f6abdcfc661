import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assertCliBuilt, runCli } from '../../testing/run-cli';
import { normalizeIptablesArgv } from './normalize-argv';

// Stub iptables/ip binaries that only record their calls, so "nothing was touched" is observable and no real
// table is ever changed by this test.
let stubDir = '';
let callLog = '';
const STUBS = ['iptables', 'ip6tables', 'ip'].flatMap((b) =>
  b === 'ip' ? ['ip'] : ['', '-legacy', '-nft'].flatMap((s) => [`${b}${s}`, `${b}${s}-save`, `${b}${s}-restore`]));

beforeAll(() => {
  assertCliBuilt();
  stubDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-ipt-stub-'));
  callLog = path.join(stubDir, 'calls.log');
  for (const name of STUBS) {
    const version = name.includes('legacy') ? 'legacy' : 'nf_tables';
    fs.writeFileSync(path.join(stubDir, name),
      `#!/bin/sh\necho "${name} $*" >> "${callLog}"\n[ "$1" = --version ] && echo "${name} v1.8.9 (${version})"\ncat >/dev/null 2>&1 </dev/null\nexit 0\n`,
      { mode: 0o755 });
  }
});

afterAll(() => { if (stubDir) fs.rmSync(stubDir, { recursive: true, force: true }); });

function runStubbed(args: readonly string[], env: Record<string, string> = {}): ReturnType<typeof runCli> {
  fs.rmSync(callLog, { force: true });
  return runCli(['iptables', '--ipv6', 'off', ...args], { PATH: `${stubDir}:${path.dirname(process.execPath)}`, ...env });
}

const calls = (): string => (fs.existsSync(callLog) ? fs.readFileSync(callLog, 'utf8') : '');

describe('minipilot iptables rejects bad flags with exit 2, before touching any table', () => {
  it('a valid invocation does reach the (stub) iptables binaries', () => {
    const r = runStubbed(['-u', '1337', '-i', '*']);
    expect(r.code).toBe(0);
    expect(calls()).toMatch(/restore --noflush/);
  });

  const bad: [string, string[], RegExp][] = [
    ['unknown mode', ['-m', 'BOGUS'], /--istio-inbound-interception-mode\/-m: unknown mode 'BOGUS'/],
    ['bad CIDR', ['-i', '10.0.0.0/33'], /--istio-service-cidr\/-i: '10.0.0.0\/33' is not a CIDR/],
    ['bad exclude CIDR', ['-x', 'not-an-ip'], /--istio-service-exclude-cidr\/-x: 'not-an-ip'/],
    ['wildcard exclude', ['-x', '*'], /--istio-service-exclude-cidr\/-x: '\*' is not allowed/],
    ['port out of range', ['-p', '70000'], /--envoy-port\/-p: port 70000 is out of range/],
    ['port list item out of range', ['-b', '80,99999'], /--istio-inbound-ports\/-b: port 99999 is out of range/],
    ['non-numeric UID', ['-u', 'istio-proxy'], /--proxy-uid\/-u: 'istio-proxy' is not a numeric id/],
    ['unknown flag', ['--no-such-flag'], /unknown option '--no-such-flag'/],
    ['missing value', ['-z'], /--inbound-capture-port <value>' argument missing/],
    ['bad bool value', ['--redirect-dns=maybe'], /--redirect-dns: 'maybe' is not a boolean/],
    ['bad iptables flavour', ['--force-iptables-binary', 'xt'], /--force-iptables-binary: 'xt' must be legacy or nft/],
  ];
  for (const [what, args, message] of bad) {
    it(`${what}: ${args.join(' ')}`, () => {
      const r = runStubbed(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
      expect(calls()).toBe('');
    });
  }

  it('a bad value from an env binding is reported the same way', () => {
    const r = runStubbed(['-u', '1337'], { ISTIO_INBOUND_INTERCEPTION_MODE: 'tproxy' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown mode 'tproxy'/);
    expect(calls()).toBe('');
  });
});

describe('pflag spellings', () => {
  it('turns --bool=VALUE and -n=VALUE into commander flags and -p=VALUE into two args', () => {
    expect(normalizeIptablesArgv(['--dry-run=true', '--redirect-dns=0', '-n=T', '-p=15001', '-x', ''])).toEqual({
      argv: ['--dry-run', '--no-redirect-dns', '--dry-run', '-p', '15001', '-x', ''], errors: [],
    });
  });
  it('leaves everything after -- alone', () => {
    expect(normalizeIptablesArgv(['--', '--dry-run=true']).argv).toEqual(['--', '--dry-run=true']);
  });
  it('an explicit --x=false overrides the env var bound to it', () => {
    const r = runCli(['iptables', '--ipv6', 'off', '-u', '1337', '--drop-invalid=false', '-n'], { DROP_INVALID: 'true' });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('ISTIO_DROP');
    const fromEnv = runCli(['iptables', '--ipv6', 'off', '-u', '1337', '-n'], { INVALID_DROP: 'true' });
    expect(fromEnv.stdout).toContain('-A ISTIO_DROP -j DROP');
  });
});
