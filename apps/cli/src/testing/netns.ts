// Test-only: throwaway network namespaces joined by a veth pair, with Node TCP listeners and clients inside them.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Result of a bounded synchronous command. */
export interface Sh { readonly code: number | null; readonly stdout: string; readonly stderr: string }

/** Runs a command with a timeout (never unbounded). */
export function sh(cmd: string, args: readonly string[], timeoutMs = 30_000): Sh {
  const r = spawnSync(cmd, [...args], { encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
}

/** Two namespaces: `pod` (where the rules go) and `peer`, on 10.233.<n>.0/24. */
export interface NetnsPair {
  readonly pod: string;
  readonly peer: string;
  readonly podIp: string;
  readonly peerIp: string;
}

const LISTENER = `
const net = require('net');
const ports = process.argv.slice(1).map(Number);
let ready = 0;
for (const port of ports) {
  const s = net.createServer((c) => { c.end(String(port) + '\\n'); });
  s.listen(port, '0.0.0.0', () => { if (++ready === ports.length) console.log('READY'); });
}`;

const CLIENT = `
const net = require('net');
const [host, port] = process.argv.slice(1);
const c = net.connect({ host, port: Number(port) });
let data = '';
c.setTimeout(3000, () => { console.log('TIMEOUT'); process.exit(0); });
c.on('data', (d) => { data += d; });
c.on('end', () => { console.log(data.trim()); process.exit(0); });
c.on('error', (e) => { console.log('ERR ' + e.code); process.exit(0); });`;

/** The binaries the real-traffic test runs, and the Debian/Ubuntu package that provides each. */
export const NETNS_TOOLS: Readonly<Record<string, string>> = {
  ip: 'iproute2',
  iptables: 'iptables',
  'iptables-save': 'iptables',
  'iptables-restore': 'iptables',
  setpriv: 'util-linux',
};

/** True when `name` is an executable file in one of the `PATH` directories. */
function onPath(name: string, pathEnv: string): boolean {
  return pathEnv.split(path.delimiter).filter(Boolean).some((dir) => {
    try {
      fs.accessSync(path.join(dir, name), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Names the {@link NETNS_TOOLS} missing from `pathEnv` and how to install them, e.g.
 * `iptables, iptables-save not found on PATH (install: apt-get install iptables)`; undefined when all are there.
 */
export function missingNetnsTools(pathEnv = process.env['PATH'] ?? ''): string | undefined {
  const missing = Object.keys(NETNS_TOOLS).filter((tool) => !onPath(tool, pathEnv));
  if (missing.length === 0) return undefined;
  const packages = [...new Set(missing.map((tool) => NETNS_TOOLS[tool]!))];
  return `${missing.join(', ')} not found on PATH (install: apt-get install ${packages.join(' ')})`;
}

/**
 * Creates the namespaces and veth; returns the reason it cannot (a missing binary, not root) instead
 * of throwing.
 */
export function createNetnsPair(): NetnsPair | string {
  const missing = missingNetnsTools();
  if (missing) return missing;
  const id = randomBytes(3).toString('hex');
  const n = 1 + (parseInt(id, 16) % 250);
  const pair = { pod: `mp-ipt-pod-${id}`, peer: `mp-ipt-peer-${id}`, podIp: `10.233.${n}.1`, peerIp: `10.233.${n}.2` };
  const add = sh('ip', ['netns', 'add', pair.pod]);
  if (add.code !== 0) return `ip netns add failed (${add.stderr.trim() || `exit ${add.code}`})`;
  const steps: string[][] = [
    ['netns', 'add', pair.peer],
    ['link', 'add', `mpa${id}`, 'type', 'veth', 'peer', 'name', `mpb${id}`],
    ['link', 'set', `mpa${id}`, 'netns', pair.pod],
    ['link', 'set', `mpb${id}`, 'netns', pair.peer],
    ['-n', pair.pod, 'addr', 'add', `${pair.podIp}/24`, 'dev', `mpa${id}`],
    ['-n', pair.peer, 'addr', 'add', `${pair.peerIp}/24`, 'dev', `mpb${id}`],
    ['-n', pair.pod, 'link', 'set', `mpa${id}`, 'up'],
    ['-n', pair.peer, 'link', 'set', `mpb${id}`, 'up'],
    ['-n', pair.pod, 'link', 'set', 'lo', 'up'],
    ['-n', pair.peer, 'link', 'set', 'lo', 'up'],
  ];
  for (const step of steps) {
    const r = sh('ip', step);
    if (r.code !== 0) {
      deleteNetnsPair(pair);
      throw new Error(`ip ${step.join(' ')} failed: ${r.stderr}`);
    }
  }
  return pair;
}

/** Deletes both namespaces (the veth goes with them); safe to call twice. */
export function deleteNetnsPair(pair: NetnsPair): void {
  sh('ip', ['netns', 'del', pair.pod]);
  sh('ip', ['netns', 'del', pair.peer]);
}

/** Starts a listener in `ns` answering each connection with the port that accepted it; resolves when listening. */
export function startListeners(ns: string, ports: readonly number[], timeoutMs = 10_000): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', LISTENER, ...ports.map(String)],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill(); reject(new Error(`listeners in ${ns} not ready in ${timeoutMs} ms`)); }, timeoutMs);
    let err = '';
    child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('READY')) { clearTimeout(timer); resolve(child); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`listener in ${ns} exited (${code}): ${err}`)); });
  });
}

/** How to become a numeric uid/gid with no passwd entry: setpriv (util-linux; runuser needs a user name). */
function asUid(uid: number): string[] {
  if (sh('setpriv', ['--version']).code !== 0) throw new Error('setpriv (util-linux) is not installed');
  return ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups'];
}

/** Connects from `ns` (optionally as `uid`) to host:port; returns the accepting listener's port, or TIMEOUT/ERR. */
export function connectFrom(ns: string, host: string, port: number, uid?: number): string {
  const prefix = uid === undefined ? [] : asUid(uid);
  const r = sh('ip', ['netns', 'exec', ns, ...prefix, process.execPath, '-e', CLIENT, host, String(port)], 15_000);
  return r.code === 0 ? r.stdout.trim() : `CLIENT FAILED ${r.code}: ${r.stderr.trim()}`;
}
