// Test-only helpers: run the real `minipilot` bin (built dist) and load the shared iptables cases.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Repository root (this file is apps/cli/src/testing). */
export const REPO_ROOT = path.resolve(__dirname, '../../../..');
/** The CLI entry point `npx minipilot` runs. */
export const CLI_BIN = path.join(REPO_ROOT, 'apps/cli/bin/minipilot.js');
/** Istio's goldens as JSON, beside the repository. */
export const SHARED_IPTABLES_CASES = path.resolve(REPO_ROOT, '../shared/cases/iptables');

/** Reads one shared case file at run time. */
export function loadIptablesCases<T>(file: string): T[] {
  return JSON.parse(fs.readFileSync(path.join(SHARED_IPTABLES_CASES, file), 'utf8')) as T[];
}

/** Fails loudly when the built CLI is missing or older than its sources (the tests run the real bin). */
export function assertCliBuilt(): void {
  const dist = path.join(REPO_ROOT, 'apps/cli/dist/commands/iptables/iptables-command.js');
  if (!fs.existsSync(dist)) throw new Error(`${dist} is missing: build first (npx nx run @minipilot/cli:build)`);
  const built = fs.statSync(dist).mtimeMs;
  const srcDir = path.join(REPO_ROOT, 'apps/cli/src/commands/iptables');
  const stale = fs.readdirSync(srcDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts')
    && fs.statSync(path.join(srcDir, f)).mtimeMs > built);
  if (stale.length) throw new Error(`apps/cli/dist is older than ${stale.join(', ')}: rebuild (npx nx run @minipilot/cli:build)`);
}

/** Outcome of one CLI run. */
export interface CliResult { readonly code: number | null; readonly stdout: string; readonly stderr: string }

/** Runs `node bin/minipilot.js <args>` with exactly `env` (plus PATH unless given). */
export function runCli(args: readonly string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI_BIN, ...args], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
