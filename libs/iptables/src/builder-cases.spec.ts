import { loadSharedCases } from './testing/shared-cases';
import {
  buildCheckCommands, buildCleanupCommands, buildCommandLines, buildRestoreText, createRuleBuilder, type RuleBuilder,
} from './index';

interface BuilderCall { method: string; chain: string; table: string; position?: number; params: string[] }
interface BuilderCheck { output: string; expected?: string; expected_commands?: string[][] }
interface BuilderCase { name: string; kind: string; enable_ipv6: boolean; calls: BuilderCall[]; checks: BuilderCheck[] }

const cases = loadSharedCases<BuilderCase>('builder-cases.json');

function replay(c: BuilderCase): RuleBuilder {
  const b = createRuleBuilder({ enableIpv6: c.enable_ipv6 });
  for (const call of c.calls) {
    const family = call.method.endsWith('V6') ? 'v6' : 'v4';
    if (call.method.startsWith('Append')) b.append(family, call.chain, call.table, ...call.params);
    else b.insert(family, call.chain, call.table, call.position ?? 1, ...call.params);
  }
  return b;
}

function render(b: RuleBuilder, output: string): string | string[][] {
  const family = output.includes('V6') ? 'v6' : 'v4';
  const rules = b.rules(family);
  const kind = output.replace(/V[46]/, '');
  switch (kind) {
    case 'Build': return buildCommandLines(rules).map((cmd) => `${cmd.join(' ')}\n`).join('');
    case 'BuildRestore': return buildRestoreText(rules);
    case 'BuildCheck': return buildCheckCommands(rules);
    case 'BuildCleanup': return buildCleanupCommands(rules);
    default: throw new Error(`unknown builder output ${output}`);
  }
}

describe('rule builder: Istio builder goldens (builder-cases.json)', () => {
  it('has cases to check', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });
  for (const c of cases) {
    for (const check of c.checks) {
      it(`${c.name}: ${check.output}`, () => {
        const want = check.expected_commands ?? check.expected;
        expect(render(replay(c), check.output)).toEqual(want);
      });
    }
  }
});
