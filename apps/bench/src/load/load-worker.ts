import { createLoadClient, nowMs, type LoadClient } from './load-client.js';
import { loadNode, type WorkerCommand, type WorkerEvent } from './protocol.js';
import { TypeUrl } from '@minipilot/envoy-api';
import type { NodeInit } from '@minipilot/xds-server';

// The load generator process (forked once at the start of the bench, so its modules are loaded before
// anything else can touch the build output, and so clients do not share the server's event loop or
// heap): per run it connects N clients at once, reports readiness, records the push, releases them.

let clients: LoadClient[] = [];

function send(e: WorkerEvent): void {
  process.send!(e);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then((v) => (clearTimeout(timer), resolve(v)), (e: unknown) => (clearTimeout(timer), reject(e)));
  });
}

async function connect(address: string, count: number, delta: boolean, sharedIp: boolean, timeoutMs: number, nodes: readonly NodeInit[] | undefined): Promise<void> {
  const startedAt = nowMs();
  clients = Array.from({ length: count }, (_, i) => createLoadClient(address, nodes?.[i] ?? loadNode(i, 'sidecar', sharedIp), delta));
  const settled = await Promise.allSettled(clients.map((c) => withTimeout(c.ready, timeoutMs)));
  const readyMs = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const firstError = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')?.reason;
  send({
    event: 'connected',
    startedAt,
    readyMs,
    lastReadyAt: startedAt + Math.max(0, ...readyMs),
    failed: count - readyMs.length,
    ...(firstError !== undefined ? { firstError: String(firstError) } : {}),
  });
}

async function collect(timeoutMs: number, expect: readonly number[] | undefined, quietMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const expected = expect ? expect.map((i) => clients[i]!) : clients;
  const done = (): boolean => expected.every((c) => c.updates().some((u) => u.typeUrl === TypeUrl.RouteConfiguration));
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  // Give stragglers (and anything sent to clients that should get nothing) a moment to land, then report.
  await new Promise((r) => setTimeout(r, quietMs));
  send({ event: 'updates', perClient: clients.map((c) => c.updates()) });
}

process.on('message', (m: WorkerCommand) => {
  if (m.cmd === 'connect') void connect(m.address, m.clients, m.delta, m.sharedIp, m.timeoutMs, m.nodes);
  else if (m.cmd === 'arm') {
    for (const c of clients) c.arm();
    send({ event: 'armed' });
  } else if (m.cmd === 'collect') void collect(m.timeoutMs, m.expect, m.quietMs ?? 100);
  else if (m.cmd === 'release') {
    const keep = m.count === undefined ? 0 : Math.max(0, clients.length - m.count);
    for (const c of clients.slice(keep)) c.close();
    clients = clients.slice(0, keep);
    send({ event: 'released' });
  } else if (m.cmd === 'exit') {
    for (const c of clients) c.close();
    setTimeout(() => process.exit(0), 50);
  }
});
