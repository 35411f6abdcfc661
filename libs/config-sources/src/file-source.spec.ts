import * as fs from 'node:fs';
import * as path from 'node:path';
import { createFileSource } from './file-source.js';
import type { ConfigSource } from './config-source.js';
import { createTempTree, destinationRule, documents, virtualService, type TempTree } from './testing/temp-tree.js';
import { recordUpdates, sleep } from './testing/update-recorder.js';

describe('createFileSource', () => {
  let tree: TempTree;
  let source: ConfigSource | undefined;

  beforeEach(() => {
    tree = createTempTree();
  });
  afterEach(async () => {
    await source?.stop();
    source = undefined;
    tree.cleanup();
  });

  const startSource = (options: { debounceMs?: number; maxDelayMs?: number; rescanMs?: number } = {}): ConfigSource =>
    (source = createFileSource({ dir: tree.dir, debounceMs: 30, maxDelayMs: 2_000, rescanMs: 200, ...options }));

  it('loads a multi-document tree with subdirectories, skipping dot-dirs, node_modules and other files', async () => {
    tree.write('reviews.yaml', documents(virtualService('reviews', 'reviews'), destinationRule('reviews', 'reviews', ['v1', 'v2'])));
    tree.write('team-a/ratings.yml', virtualService('ratings', 'ratings', 'team-a'));
    tree.write('team-a/deep/er/details.yaml', virtualService('details', 'details'));
    tree.write('.git/ignored.yaml', virtualService('hidden', 'hidden'));
    tree.write('node_modules/pkg/ignored.yaml', virtualService('dep', 'dep'));
    tree.write('notes.txt', virtualService('text', 'text'));

    const first = await startSource().start();

    const keys = ['DestinationRule/default/reviews', 'VirtualService/default/details', 'VirtualService/default/reviews', 'VirtualService/team-a/ratings'];
    expect([...first.snapshot.objects.keys()].sort()).toEqual(keys);
    expect([...first.changedKeys].sort()).toEqual(keys);
    expect(first.problems).toEqual([]);
    expect(first.snapshot.get('DestinationRule', 'default', 'reviews')?.spec.subsets?.map((s) => s.name)).toEqual(['v1', 'v2']);
    expect(first.snapshot.get('VirtualService', 'default', 'details')?.origin).toMatchObject({ file: 'team-a/deep/er/details.yaml', doc: 0 });
    expect(source!.current()).toBe(first);
  });

  it('pushes one debounced update naming only the edited object', async () => {
    tree.write('a.yaml', documents(virtualService('a', 'a'), virtualService('b', 'b')));
    tree.write('c.yaml', virtualService('c', 'c'));
    const s = startSource();
    await s.start();
    const rec = recordUpdates(s);

    tree.write('a.yaml', documents(virtualService('a', 'a'), virtualService('b', 'b-v2')));
    const update = await rec.next();
    expect([...update.changedKeys]).toEqual(['VirtualService/default/b']);
    expect(update.snapshot.get('VirtualService', 'default', 'b')?.spec.hosts).toEqual(['b-v2']);
    expect(update.snapshot.objects.size).toBe(3);
    expect(s.current()).toBe(update);
    await rec.expectNone(300);
  });

  it('merges a burst of edits within the quiet time into exactly one update', async () => {
    tree.write('a.yaml', virtualService('a', 'h0'));
    const s = startSource({ debounceMs: 250 });
    await s.start();
    const rec = recordUpdates(s);

    for (let i = 1; i <= 10; i++) {
      tree.write('a.yaml', virtualService('a', `h${i}`));
      await sleep(5);
    }
    const update = await rec.next();
    expect(update.snapshot.get('VirtualService', 'default', 'a')?.spec.hosts).toEqual(['h10']);
    await rec.expectNone(500);
  });

  it('honours the max delay while changes keep coming', async () => {
    tree.write('a.yaml', virtualService('a', 'h0'));
    const s = startSource({ debounceMs: 50, maxDelayMs: 300 });
    await s.start();
    const rec = recordUpdates(s);

    const burstEnd = Date.now() + 1_500;
    for (let i = 1; Date.now() < burstEnd; i++) {
      tree.write('a.yaml', virtualService('a', `h${i}`));
      await sleep(15);
    }
    // Without a max delay nothing would be released before the burst ends; with 300 ms, several are.
    expect(rec.updates.length).toBeGreaterThanOrEqual(2);
  });

  it('follows added files, new subdirectories and deleted files through the watchers alone', async () => {
    tree.write('a.yaml', virtualService('a', 'a'));
    const s = startSource({ rescanMs: 0 });
    await s.start();
    const rec = recordUpdates(s);

    tree.write('b.yaml', virtualService('b', 'b'));
    expect([...(await rec.next()).changedKeys]).toEqual(['VirtualService/default/b']);

    tree.write('new/deeper/c.yaml', virtualService('c', 'c'));
    expect([...(await rec.next()).changedKeys]).toEqual(['VirtualService/default/c']);

    tree.write('new/deeper/d.yml', virtualService('d', 'd'));
    expect([...(await rec.next()).changedKeys]).toEqual(['VirtualService/default/d']);

    tree.remove('a.yaml');
    const afterDelete = await rec.next();
    expect([...afterDelete.changedKeys]).toEqual(['VirtualService/default/a']);
    expect([...afterDelete.snapshot.objects.keys()].sort()).toEqual(['VirtualService/default/b', 'VirtualService/default/c', 'VirtualService/default/d']);

    tree.remove('new');
    const afterDirDelete = await rec.next();
    expect([...afterDirDelete.changedKeys].sort()).toEqual(['VirtualService/default/c', 'VirtualService/default/d']);
  });

  it('removes an object whose document is deleted from a multi-document file', async () => {
    tree.write('a.yaml', documents(virtualService('a', 'a'), virtualService('b', 'b')));
    const s = startSource();
    await s.start();
    const rec = recordUpdates(s);

    tree.write('a.yaml', virtualService('b', 'b'));
    const update = await rec.next();
    expect([...update.changedKeys]).toEqual(['VirtualService/default/a']);
    expect([...update.snapshot.objects.keys()]).toEqual(['VirtualService/default/b']);
  });

  it('sends no update when a file is rewritten unchanged or only reformatted', async () => {
    tree.write('a.yaml', virtualService('a', 'a'));
    const s = startSource();
    await s.start();
    const rec = recordUpdates(s);

    tree.write('a.yaml', virtualService('a', 'a'));
    await sleep(100);
    tree.write('a.yaml', `# same object, other layout\n${virtualService('a', 'a').replace('kind: VirtualService\n', '')}kind: VirtualService\n`);
    await rec.expectNone(600); // several debounce windows and rescans
  });

  it('follows a symlinked file (a mounted ConfigMap) and catches target changes with the rescan', async () => {
    tree.write('a.yaml', virtualService('a', 'a'));
    const s = startSource({ rescanMs: 100 });
    await s.start();
    const rec = recordUpdates(s);
    tree.write('..data/b.yaml', virtualService('b', 'b'));
    fs.symlinkSync(path.join(tree.dir, '..data/b.yaml'), path.join(tree.dir, 'b.yaml'));
    expect([...(await rec.next()).changedKeys]).toEqual(['VirtualService/default/b']);
    // The target lives in a dot-dir nobody watches: only the periodic rescan can notice this edit.
    tree.write('..data/b.yaml', virtualService('b', 'b-v2'));
    expect((await rec.next()).snapshot.get('VirtualService', 'default', 'b')?.spec.hosts).toEqual(['b-v2']);
  });

  it('stops watching on stop(): no more updates, no watchers or timers left', async () => {
    const handles = (type: string): number => process.getActiveResourcesInfo().filter((r) => r === type).length;
    await sleep(20); // let handles closed by earlier tests go
    const baseline = { watchers: handles('FSEventWrap'), timers: handles('Timeout') };
    tree.write('a.yaml', virtualService('a', 'a'));
    tree.write('sub/b.yaml', virtualService('b', 'b'));
    const s = startSource({ rescanMs: 50 });
    await s.start();
    expect(handles('FSEventWrap')).toBe(baseline.watchers + 2);
    const rec = recordUpdates(s);
    tree.write('a.yaml', virtualService('a', 'a-v2'));
    await s.stop();
    await sleep(20); // libuv closes handles on its next turn
    expect(handles('FSEventWrap')).toBe(baseline.watchers);
    // Timers of other work (the test runner's, a slow earlier test's) may come and go meanwhile;
    // the source's own (debounce, rescan) must be gone for good, so wait for the count to settle.
    for (let i = 0; i < 50 && handles('Timeout') > baseline.timers; i++) await sleep(20);
    expect(handles('Timeout')).toBeLessThanOrEqual(baseline.timers);
    tree.write('a.yaml', virtualService('a', 'a-v3'));
    await rec.expectNone(300);
    await expect(s.start()).rejects.toThrow('stopped');
  });

  it('rejects start() when the directory does not exist', async () => {
    await expect(createFileSource({ dir: `${tree.dir}/missing` }).start()).rejects.toThrow(/cannot read config directory/);
  });
});
