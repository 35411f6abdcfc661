import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { missingNetnsTools, NETNS_TOOLS } from './netns';

// The real-traffic iptables test skips (loudly) on a machine without these binaries; the reason it
// prints must name each missing binary and the package to install.
let dir = '';
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-netns-tools-')); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function stub(name: string, mode = 0o755): void {
  fs.writeFileSync(path.join(dir, name), '#!/bin/sh\nexit 0\n');
  fs.chmodSync(path.join(dir, name), mode);
}

describe('missingNetnsTools', () => {
  it('names the missing iptables binaries and the apt package, not the ones present', () => {
    stub('ip');
    stub('setpriv');
    stub('iptables-save', 0o644); // not executable: as good as missing
    expect(missingNetnsTools(dir)).toBe('iptables, iptables-save, iptables-restore not found on PATH (install: apt-get install iptables)');
  });

  it('is undefined once every tool is on PATH', () => {
    for (const tool of Object.keys(NETNS_TOOLS)) stub(tool);
    expect(missingNetnsTools(`/nonexistent${path.delimiter}${dir}`)).toBeUndefined();
  });

  it('names every package on an empty PATH', () => {
    expect(missingNetnsTools('')).toBe('ip, iptables, iptables-save, iptables-restore, setpriv not found on PATH (install: apt-get install iproute2 iptables util-linux)');
  });
});
