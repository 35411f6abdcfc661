// The gRPC transport flags as the command parses them: --keepalive-min-time follows istiod's rule
// (half the keepalive interval) unless given.
import { createDiscoveryCommand, type CliOptions } from './options.js';

async function parse(...args: string[]): Promise<CliOptions['grpc']> {
  let got: CliOptions | undefined;
  const cmd = createDiscoveryCommand(async (o) => { got = o; }).exitOverride();
  await cmd.parseAsync(['node', 'minipilot-discovery', ...args]);
  return got!.grpc;
}

describe('gRPC transport flags', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    delete process.env['GRPC_KEEPALIVE_INTERVAL'];
    delete process.env['MINIPILOT_KEEPALIVE_MIN_TIME'];
  });
  afterAll(() => { process.env = saved; });

  it('defaults the minimum ping interval to half the keepalive interval, as istiod (15 s)', async () => {
    expect((await parse()).keepaliveMinTimeMs).toBe(15_000);
    expect((await parse('--keepalive-interval', '2m')).keepaliveMinTimeMs).toBe(60_000);
  });

  it('takes --keepalive-min-time when given, 0 turning enforcement off', async () => {
    expect((await parse('--keepalive-min-time', '5s')).keepaliveMinTimeMs).toBe(5_000);
    expect((await parse('--keepalive-min-time', '0s')).keepaliveMinTimeMs).toBe(0);
    await expect(parse('--keepalive-min-time', 'soon')).rejects.toThrow(/--keepalive-min-time/);
  });
});
