import { PassThrough } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { createLogger, routeGrpcLogs, setLogLevel } from './logger.js';

function capture(): { stream: PassThrough; lines: () => string[] } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => { text += d.toString(); });
  return { stream, lines: () => text.split('\n').filter(Boolean) };
}

describe('createLogger', () => {
  it('json: one JSON object per line with the level label, ISO time and scope', () => {
    const out = capture();
    createLogger('info', { destination: out.stream }).child({ scope: 'config' }).info({ objects: 3 }, 'config loaded');
    const [line] = out.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(line).toEqual({ level: 'info', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), scope: 'config', objects: 3, msg: 'config loaded' });
  });

  it('text (--log-format text): one human-readable line per event, the scope before the message', () => {
    const out = capture();
    const log = createLogger('info', { format: 'text', destination: out.stream });
    log.child({ scope: 'push' }).warn({ proxies: 2 }, 'pushed');
    log.info('plain');
    const lines = out.lines();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] WARN: \(push\) pushed \{"proxies":2\}$/);
    expect(lines[1]).toMatch(/\] INFO: plain$/);
  });

  it('setLogLevel reaches children and grandchildren made before the change', () => {
    const out = capture();
    const root = createLogger('info', { destination: out.stream });
    const grandchild = root.child({ scope: 'ads' }).child({ stream: '1' });
    grandchild.debug('hidden');
    expect(setLogLevel(root, 'debug')).toBe('info');
    grandchild.debug('shown');
    expect(out.lines().map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['shown']);
  });

  it('routeGrpcLogs puts grpc-js\'s own lines into the stream as JSON, scope grpc', () => {
    const out = capture();
    routeGrpcLogs(createLogger('debug', { destination: out.stream }));
    grpc.experimental.log(grpc.logVerbosity.ERROR, 'subchannel failed');
    expect(out.lines().map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([expect.objectContaining({ level: 'error', scope: 'grpc', msg: 'subchannel failed' })]);
  });
});
