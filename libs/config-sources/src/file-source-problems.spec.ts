import { formatProblem } from '@minipilot/config';
import type { ConfigSource } from './config-source.js';
import { destinationRule, documents, virtualService } from './testing/temp-tree.js';
import { useFileSourceFixture } from './testing/file-source-fixture.js';
import { recordUpdates, waitFor } from './testing/update-recorder.js';

const badTimeout = (name: string): string => virtualService(name, name).replace('  - route:', '  - timeout: 5\n    route:');

describe('createFileSource with broken config', () => {
  const fx = useFileSourceFixture();
  const { logger, startSource, hostsOf } = fx;
  const lines = (s: ConfigSource): string[] => s.current()!.problems.map(formatProblem);

  it('serves the good objects beside a bad one and reports the problem once, naming file, document, object and field', async () => {
    fx.tree.write('good.yaml', virtualService('good', 'good'));
    fx.tree.write('mixed.yaml', documents(destinationRule('ok', 'ok'), badTimeout('bad')));
    const s = startSource();
    const first = await s.start();

    expect([...first.snapshot.objects.keys()].sort()).toEqual(['DestinationRule/default/ok', 'VirtualService/default/good']);
    const expected = 'Error [VirtualService default/bad] mixed.yaml:9: spec.http[0].timeout: expected string, received number';
    expect(first.problems.map(formatProblem)).toEqual([expected]);
    expect(first.problems[0]).toMatchObject({ severity: 'error', kind: 'VirtualService', name: 'bad', field: 'spec.http[0].timeout', origin: { file: 'mixed.yaml', doc: 1 } });

    const rec = recordUpdates(s);
    fx.tree.write('good.yaml', virtualService('good', 'good-v2'));
    await rec.next();
    await rec.expectNone(300); // a few rescans
    const logged = logger.entries.filter((e) => e.level === 'error');
    expect(logged).toEqual([{ level: 'error', msg: expected, obj: expect.objectContaining({ file: 'mixed.yaml', doc: 1, name: 'bad' }) }]);
  });

  it('keeps the last good version of an object edited into an invalid one, and serves the fix', async () => {
    fx.tree.write('a.yaml', virtualService('a', 'a'));
    const s = startSource();
    await s.start();
    const rec = recordUpdates(s);

    fx.tree.write('a.yaml', badTimeout('a'));
    await waitFor(() => s.current()!.problems.length > 0);
    expect(hostsOf(s, 'a')).toEqual(['a']);
    expect(lines(s)).toEqual([
      'Error [VirtualService default/a] a.yaml:1: spec.http[0].timeout: expected string, received number',
      'Warning [VirtualService default/a] a.yaml:1: invalid: still serving the last good version',
    ]);
    await rec.expectNone(200);

    fx.tree.write('a.yaml', virtualService('a', 'a-fixed'));
    const fixed = await rec.next();
    expect([...fixed.changedKeys]).toEqual(['VirtualService/default/a']);
    expect(fixed.problems).toEqual([]);
    expect(hostsOf(s, 'a')).toEqual(['a-fixed']);
    const infos = logger.entries.filter((e) => e.level === 'info').map((e) => e.msg);
    expect(infos).toContain('a.yaml recovered: it is valid again and served');
    expect(infos).toContain('config loaded: VirtualService/default/a'); // a reload names what changed

    fx.tree.write('a.yaml', badTimeout('a'));
    await waitFor(() => s.current()!.problems.length > 0);
    fx.tree.remove('a.yaml');
    const removed = await rec.next();
    expect([...removed.changedKeys]).toEqual(['VirtualService/default/a']);
    expect(removed.snapshot.objects.size).toBe(0);
    expect(removed.problems).toEqual([]);
  });

  it('warns when the directory holds no objects at all', async () => {
    fx.tree.write('notes.yaml', '# nothing here\n');
    await startSource().start();
    expect(logger.entries.filter((e) => e.level === 'warn').map((e) => e.msg)).toEqual([
      expect.stringMatching(/^no Istio or Kubernetes objects found in .* \(1 YAML file\(s\)\); serving an empty config$/),
    ]);
  });

  it('keeps the last good versions of every object of a file with a YAML syntax error', async () => {
    fx.tree.write('a.yaml', documents(virtualService('a', 'a'), destinationRule('a', 'a')));
    fx.tree.write('new.yaml', virtualService('n', 'n'));
    const s = startSource();
    await s.start();
    const rec = recordUpdates(s);

    // The first document is still readable, but a file with a syntax error is not trusted at all.
    fx.tree.write('a.yaml', documents(virtualService('a', 'a-v2'), 'kind: [unclosed\n'));
    fx.tree.write('new.yaml', documents(virtualService('n', 'n'), virtualService('m', 'm'), 'metadata: {name\n'));
    await waitFor(() => s.current()!.problems.length === 4);
    await rec.expectNone(200);
    expect(hostsOf(s, 'a')).toEqual(['a']);
    expect(s.current()!.snapshot.get('DestinationRule', 'default', 'a')).toBeDefined();
    expect(hostsOf(s, 'm')).toBeUndefined();
    expect(lines(s)).toEqual([
      expect.stringMatching(/^Error a\.yaml:9: YAML syntax error: line \d+, column \d+/),
      'Warning a.yaml: file not reloaded: still serving the last good version of its 2 object(s)',
      expect.stringMatching(/^Error new\.yaml:17: YAML syntax error/),
      'Warning new.yaml: file not reloaded: still serving the last good version of its 1 object(s)',
    ]);

    fx.tree.write('a.yaml', virtualService('a', 'a-v2'));
    const fixed = await rec.next();
    expect([...fixed.changedKeys].sort()).toEqual(['DestinationRule/default/a', 'VirtualService/default/a']);
    expect(hostsOf(s, 'a')).toEqual(['a-v2']);
  });

  it('serves nothing from a new file with a syntax error', async () => {
    fx.tree.write('broken.yaml', documents(virtualService('a', 'a'), 'kind: [unclosed\n'));
    const first = await startSource().start();
    expect(first.snapshot.objects.size).toBe(0);
    expect(first.problems.map((p) => p.stage)).toEqual(['syntax']);
  });

  it('serves the last of two files defining the same key (kubectl apply order) and warns naming both files', async () => {
    fx.tree.write('a.yaml', virtualService('x', 'from-a'));
    fx.tree.write('b/x.yaml', virtualService('x', 'from-b'));
    const s = startSource();
    const first = await s.start();
    expect(hostsOf(s, 'x')).toEqual(['from-b']);
    expect(first.problems.map(formatProblem)).toEqual([
      'Warning [VirtualService default/x] b/x.yaml:1: duplicate of the object defined in a.yaml:1, which it replaces (the last in path order wins, as with kubectl apply -f DIR)',
    ]);
    expect(logger.entries.filter((e) => e.level === 'warn').map((e) => e.msg)).toEqual([formatProblem(first.problems[0]!)]);

    const rec = recordUpdates(s);
    fx.tree.remove('b/x.yaml');
    const update = await rec.next();
    expect([...update.changedKeys]).toEqual(['VirtualService/default/x']);
    expect(hostsOf(s, 'x')).toEqual(['from-a']);
    expect(update.problems).toEqual([]);
  });
});
