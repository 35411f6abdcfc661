// The real process: SIGTERM with a client that never reads drains for --drain-duration, closes what
// is left, logs how many it forced and exits 0. Runs the built bin (npx nx run @minipilot/discovery:build).
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { halfSentRequest } from './testing/raw-http.js';

const MAIN = path.resolve(__dirname, '..', 'dist', 'main.js');

interface LogLine { readonly msg?: string; readonly [k: string]: unknown }

function startProcess(): { child: ChildProcess; lines: LogLine[]; waitFor(msg: string): Promise<LogLine> } {
  const child = spawn(process.execPath, [MAIN, '--grpc-addr', '127.0.0.1:0', '--monitoring-addr', '127.0.0.1:0', '--drain-duration', '300ms'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const lines: LogLine[] = [];
  const waiters: { msg: string; resolve(l: LogLine): void }[] = [];
  let buffer = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const text = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      let line: LogLine;
      try { line = JSON.parse(text) as LogLine; } catch { line = { msg: text }; }
      lines.push(line);
      for (const w of waiters.filter((x) => line.msg === x.msg)) w.resolve(line);
    }
  });
  return {
    child,
    lines,
    waitFor: (msg) => {
      const seen = lines.find((l) => l.msg === msg);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ msg, resolve }));
    },
  };
}

describe('minipilot-discovery process shutdown', () => {
  it('SIGTERM with a half-sent HTTP request drains, forces it, logs the count and exits 0', async () => {
    if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx nx run @minipilot/discovery:build)`);
    const p = startProcess();
    const ready = await p.waitFor('minipilot discovery ready');
    const socket = await halfSentRequest(ready['monitoring'] as number);
    const exited = new Promise<number | null>((resolve) => p.child.once('exit', (code) => resolve(code)));
    p.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(p.lines.find((l) => l.msg?.startsWith('drain time (300 ms) ran out'))).toMatchObject({ forcedHttp: 1, forcedStreams: 0 });
    expect(p.lines.some((l) => l.msg === 'stopped')).toBe(true);
    socket.destroy();
  }, 30_000);
});
