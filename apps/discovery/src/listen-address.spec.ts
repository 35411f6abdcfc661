import { checkListenAddress } from './listen-address.js';
import { createDiscoveryCommand } from './options.js';

describe('checkListenAddress', () => {
  it.each([':15010', '0.0.0.0:15010', '127.0.0.1:0', '[::1]:15010', '[::]:15014', 'localhost:15010'])('accepts %s', (addr) => {
    expect(checkListenAddress(addr, '--grpc-addr')).toBe(addr);
  });

  it.each(['notanaddr', 'istiod.istio-system:15010', '15010', ':http', ':70000', '::1:15010', '127.0.0.1:', '[notip]:1'])('refuses %s, saying HOST:PORT is expected', (addr) => {
    expect(() => checkListenAddress(addr, '--grpc-addr')).toThrow(`--grpc-addr ${JSON.stringify(addr)}: expected HOST:PORT or :PORT`);
  });

  it('is applied to --grpc-addr before anything starts (no DNS lookup, no listen)', async () => {
    let ran = false;
    const cmd = createDiscoveryCommand(async () => { ran = true; }).exitOverride();
    await expect(cmd.parseAsync(['node', 'minipilot-discovery', '--grpc-addr', 'notanaddr'])).rejects.toThrow(/--grpc-addr "notanaddr": expected HOST:PORT/);
    await expect(cmd.parseAsync(['node', 'minipilot-discovery', '--monitoring-addr', 'example.com:15014'])).rejects.toThrow(/--monitoring-addr "example.com:15014": expected HOST:PORT/);
    expect(ran).toBe(false);
  });
});
