import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// The specs read data outside their own project (the embedded lab, deploy/, the lockfile, and
// ../shared/samples and ../shared/cases beside the repository). Nx must hash them into every `test`
// target's cache key, or a cached run hides a failure that the changed data would cause.

const ROOT = path.resolve(__dirname, '../../..');
const nx = JSON.parse(fs.readFileSync(path.join(ROOT, 'nx.json'), 'utf8')) as {
  namedInputs: Record<string, (string | { runtime?: string })[]>;
  targetDefaults: Record<string, { inputs?: unknown[] }>;
};

describe('Nx inputs of the test targets', () => {
  it('include the lab, deploy/, the lockfile and a hash of ../shared/samples and ../shared/cases', () => {
    expect(nx.targetDefaults['test']!.inputs).toContain('testData');
    const data = nx.namedInputs['testData']!;
    expect(data).toEqual(expect.arrayContaining(['{workspaceRoot}/apps/discovery/lab/**/*', '{workspaceRoot}/deploy/**/*', '{workspaceRoot}/package-lock.json']));
    const runtime = data.find((i): i is { runtime: string } => typeof i === 'object' && typeof i.runtime === 'string')!.runtime;
    expect(runtime).toBe('node tools/hash-paths.mjs ../shared/samples ../shared/cases');
  });

  it('hash-paths changes when a file below a path changes, and names missing paths', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-hash-'));
    const run = (...args: string[]): string => execFileSync(process.execPath, [path.join(ROOT, 'tools/hash-paths.mjs'), ...args], { cwd: dir, encoding: 'utf8' }).trim();
    try {
      fs.mkdirSync(path.join(dir, 'cases'));
      fs.writeFileSync(path.join(dir, 'cases/a.json'), '[1]');
      const before = run('cases');
      expect(before).toMatch(/^[0-9a-f]{64}$/);
      expect(run('cases')).toBe(before);
      fs.writeFileSync(path.join(dir, 'cases/a.json'), '[2]');
      expect(run('cases')).not.toBe(before);
      expect(run('cases', 'nope')).not.toBe(run('cases'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
