import { loadYaml } from '@minipilot/config';
import { createStaticSource } from './static-source.js';
import { virtualService } from './testing/temp-tree.js';

describe('createStaticSource', () => {
  it('serves fixed objects, last of each key, and reports duplicates', async () => {
    const { objects } = loadYaml(`${virtualService('a', 'a')}---\n${virtualService('a', 'b')}`, 'x.yaml');
    const source = createStaticSource({ objects });
    expect(source.current()).toBeUndefined();
    const first = await source.start();
    expect(first.snapshot.get('VirtualService', 'default', 'a')?.spec.hosts).toEqual(['b']);
    expect([...first.changedKeys]).toEqual(['VirtualService/default/a']);
    expect(first.problems.map((p) => p.severity)).toEqual(['warning']);
    expect(source.current()).toBe(first);
    await source.stop();
  });

  it('serves a given update as is', async () => {
    const update = await createStaticSource({ objects: [] }).start();
    expect(await createStaticSource(update).start()).toBe(update);
  });
});
