import * as fs from 'node:fs';
import * as path from 'node:path';

// package-lock.json must be complete for every platform, so that `npm install` on a fresh machine leaves
// it unchanged and `npm ci` (deploy/Dockerfile) accepts it. npm writes an entry for every optional
// platform binary (@swc/core-darwin-arm64, @nx/nx-win32-x64-msvc, ...) even on platforms that skip it;
// a lockfile written without them is rewritten by the next install.

const ROOT = path.resolve(__dirname, '../../..');
interface LockEntry { readonly version?: string; readonly optionalDependencies?: Record<string, string> }
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { lockfileVersion: number; packages: Record<string, LockEntry> };

/** Where npm would resolve `name` from the package at `from` (its own node_modules, then each parent's). */
function resolveEntry(from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!dir) return undefined;
    const i = dir.lastIndexOf('node_modules/');
    dir = i <= 0 ? '' : dir.slice(0, i - 1);
  }
}

describe('package-lock.json', () => {
  it('is a lockfile v3 with every optional platform package of every dependency', () => {
    expect(lock.lockfileVersion).toBe(3);
    const missing = Object.entries(lock.packages).flatMap(([at, entry]) =>
      Object.keys(entry.optionalDependencies ?? {}).filter((name) => !resolveEntry(at, name)).map((name) => `${at || '(root)'} -> ${name}`));
    expect(missing).toEqual([]);
  });

  it('is what deploy/Dockerfile installs from, with npm ci', () => {
    const dockerfile = fs.readFileSync(path.join(ROOT, 'deploy/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/COPY package\.json package-lock\.json /);
    expect(dockerfile).toMatch(/RUN npm ci\b/);
  });
});
