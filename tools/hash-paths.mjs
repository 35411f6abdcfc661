#!/usr/bin/env node
// Prints one SHA-256 over the files below the given paths (relative names and contents, in sorted
// order), for Nx `runtime` inputs: test data outside the workspace (../shared/samples, ../shared/cases)
// is part of the `test` targets' cache key, so a changed case or sample reruns the specs that read it.
// A missing path hashes as "missing:<path>" (the specs themselves fail loudly on it).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const hash = createHash('sha256');
function walk(p, rel) {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  if (!st) { hash.update(`missing:${rel}\0`); return; }
  if (st.isDirectory()) {
    for (const name of fs.readdirSync(p).sort()) walk(path.join(p, name), `${rel}/${name}`);
    return;
  }
  hash.update(`${rel}\0`);
  hash.update(fs.readFileSync(p));
  hash.update('\0');
}
for (const arg of process.argv.slice(2)) walk(path.resolve(arg), arg);
process.stdout.write(`${hash.digest('hex')}\n`);
