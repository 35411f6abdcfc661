import { assertCliBuilt, loadIptablesCases, runCli } from '../../testing/run-cli';

interface CliCase {
  name: string;
  args: string[];
  env: Record<string, string>;
  inputs: { enable_ipv6: boolean; dns_servers_v4: string[]; dns_servers_v6: string[] };
  cli_exact?: boolean;
  expected: string;
}

/** The case's detected inputs as explicit CLI flags. */
function inputFlags(c: CliCase): string[] {
  return ['--ipv6', c.inputs.enable_ipv6 ? 'on' : 'off',
    '--dns-servers', [...c.inputs.dns_servers_v4, ...c.inputs.dns_servers_v6].join(',')];
}

const suites: [string, CliCase[]][] = [
  ['capture-cases.json', loadIptablesCases<CliCase>('capture-cases.json')],
  ['derived-cases.json', loadIptablesCases<CliCase>('derived-cases.json')],
];

beforeAll(() => assertCliBuilt());

describe.each(suites)('minipilot iptables --dry-run reproduces %s byte for byte', (_file, cases) => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });
  for (const c of cases) {
    it(`${c.name}${c.cli_exact === false ? ' (not CLI-exact upstream)' : ''}`, () => {
      const r = runCli(['iptables', ...c.args, ...inputFlags(c)], c.env);
      expect(r.stderr).not.toMatch(/error/i);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(c.expected);
    });
  }
});
