import * as net from 'node:net';
import type { IptablesConfig } from '@minipilot/iptables';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a Go duration (`5s`, `1m30s`, `500ms`); validation has already checked the syntax. */
export function parseGoDurationMs(d: string): number {
  let ms = 0;
  for (const m of d.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 0);
  return ms;
}

/** Exit code istio-iptables uses when validation fails. */
export const VALIDATION_FAILED_EXIT = 126;

/**
 * `--run-validation` (Istio's validator): listen on the outbound and inbound capture ports on loopback, then keep
 * connecting to 127.0.0.6:<probe port> (::6 on IPv6 hosts) until one of the listeners accepts the connection, which
 * proves the rules redirect it. Resolves true on success, false on timeout.
 */
export async function runRedirectValidation(config: IptablesConfig): Promise<boolean> {
  const v6 = config.enableIpv6;
  const listenHost = v6 ? '::1' : '127.0.0.1';
  const probeHost = v6 ? '::6' : '127.0.0.6';
  const deadline = Date.now() + parseGoDurationMs(config.probeTimeout);
  let accepted = false;
  const servers = [config.proxyPort, config.inboundCapturePort].map((port) => {
    const server = net.createServer((socket) => { accepted = true; socket.destroy(); });
    server.on('error', () => undefined);
    server.listen(Number(port), listenHost);
    return server;
  });
  try {
    while (!accepted && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const socket = net.connect({ host: probeHost, port: Number(config.iptablesProbePort), localAddress: listenHost });
        const done = (): void => { socket.destroy(); resolve(); };
        socket.setTimeout(500, done);
        socket.on('connect', done);
        socket.on('error', () => setTimeout(done, 100));
      });
      await new Promise((r) => setTimeout(r, 20));
    }
    return accepted;
  } finally {
    for (const s of servers) s.close();
  }
}
