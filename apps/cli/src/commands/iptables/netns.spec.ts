import type { ChildProcess } from 'node:child_process';
import { assertCliBuilt, CLI_BIN, loadIptablesCases } from '../../testing/run-cli';
import { connectFrom, createNetnsPair, deleteNetnsPair, sh, startListeners, type NetnsPair } from '../../testing/netns';

// Real traffic through the rules, inside two network namespaces this test creates (never the host's).
// Flags: the sidecar injector's command (from derived-cases.json) plus `-o 9000` to show an excluded outbound port.
const injector = loadIptablesCases<{ name: string; args: string[] }>('derived-cases.json')
  .find((c) => c.name === 'derived-tutorial-flags-ipv4');
const FLAGS = [...(injector?.args ?? []).filter((a) => a !== '--dry-run'), '-o', '9000'];
const PROXY_UID = 1337;

const pairOrReason = createNetnsPair();
const pair: NetnsPair | undefined = typeof pairOrReason === 'string' ? undefined : pairOrReason;
if (!pair) {
  console.warn(`\n!!! NETNS TEST SKIPPED: ${pairOrReason as string}. The iptables rules were NOT exercised with real traffic (it needs root, ip, iptables and setpriv: see the README, "Development notes").\n`);
}
const realIt = pair ? it : it.skip;
const title = (t: string): string => (pair ? t : `SKIPPED (${pairOrReason as string}): ${t}`);

const listeners: ChildProcess[] = [];

function iptables(ns: string, extra: readonly string[] = []): ReturnType<typeof sh> {
  return sh('ip', ['netns', 'exec', ns, process.execPath, CLI_BIN, 'iptables', ...FLAGS, ...extra], 60_000);
}

/** The nat table's rules (no counters or comments), for comparing states. */
function natRules(ns: string): string {
  const r = sh('ip', ['netns', 'exec', ns, 'iptables-save', '-t', 'nat']);
  return r.stdout.split('\n').filter((l) => l.startsWith('-A ') || l.startsWith(':ISTIO')).join('\n');
}

beforeAll(async () => {
  if (!pair) return;
  assertCliBuilt();
  listeners.push(await startListeners(pair.pod, [15001, 15006, 8080, 15020]));
  listeners.push(await startListeners(pair.peer, [80, 9000]));
}, 30_000);

afterAll(() => {
  for (const l of listeners) l.kill();
  if (pair) deleteNetnsPair(pair);
});

describe('minipilot iptables in a network namespace (real TCP)', () => {
  realIt(title('without rules, connections reach their real destination'), () => {
    if (!pair) return;
    expect(injector).toBeDefined();
    expect(connectFrom(pair.pod, pair.peerIp, 80)).toBe('80');
    expect(connectFrom(pair.peer, pair.podIp, 8080)).toBe('8080');
  });

  realIt(title('applying the injector flags captures outbound to 15001 and inbound to 15006'), () => {
    if (!pair) return;
    const r = iptables(pair.pod);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(natRules(pair.pod)).toContain('-j ISTIO_OUTPUT');
    expect(connectFrom(pair.pod, pair.peerIp, 80)).toBe('15001');
    expect(connectFrom(pair.peer, pair.podIp, 8080)).toBe('15006');
  }, 60_000);

  realIt(title('the proxy UID and excluded ports bypass the capture'), () => {
    if (!pair) return;
    expect(connectFrom(pair.pod, pair.peerIp, 80, PROXY_UID)).toBe('80');
    expect(connectFrom(pair.pod, pair.peerIp, 9000)).toBe('9000');
    expect(connectFrom(pair.peer, pair.podIp, 15020)).toBe('15020');
  }, 60_000);

  realIt(title('applying twice does not duplicate rules'), () => {
    if (!pair) return;
    const before = natRules(pair.pod);
    const r = iptables(pair.pod);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/already in place/);
    expect(natRules(pair.pod)).toBe(before);
  }, 60_000);

  realIt(title('--cleanup-only removes the capture, and is idempotent'), () => {
    if (!pair) return;
    const r = iptables(pair.pod, ['--cleanup-only']);
    expect(r.code).toBe(0);
    expect(natRules(pair.pod)).toBe('');
    expect(connectFrom(pair.pod, pair.peerIp, 80)).toBe('80');
    expect(connectFrom(pair.peer, pair.podIp, 8080)).toBe('8080');
    const again = iptables(pair.pod, ['--cleanup-only']);
    expect(again.code).toBe(0);
    expect(natRules(pair.pod)).toBe('');
    expect(connectFrom(pair.pod, pair.peerIp, 80)).toBe('80');
  }, 60_000);
});
