// Directory faults: an unreadable subdirectory, kinds minipilot does not read, symlink loops, and
// problems that appear or go away without a served change.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatProblem } from '@minipilot/config';
import { useFileSourceFixture } from './testing/file-source-fixture.js';
import { virtualService } from './testing/temp-tree.js';
import { recordUpdates, waitFor } from './testing/update-recorder.js';

const secret = `apiVersion: v1
kind: Secret
metadata: {name: creds}
data: {k: dg==}
`;

describe('createFileSource with directory faults', () => {
  const fx = useFileSourceFixture();

  it('skips and reports a subdirectory it cannot list, keeps its files, and keeps updating the rest', async () => {
    fx.tree.write('a.yaml', virtualService('a', 'a'));
    fx.tree.write('locked/b.yaml', virtualService('b', 'b'));
    const locked = path.join(fx.tree.dir, 'locked');
    let denied = false;
    const s = fx.startSource({
      listDir: (p) => {
        if (denied && p === locked) throw Object.assign(new Error(`EACCES: permission denied, scandir '${locked}'`), { code: 'EACCES' });
        return fs.readdirSync(p, { withFileTypes: true });
      },
    });
    await s.start();
    denied = true;

    const rec = recordUpdates(s);
    fx.tree.write('a.yaml', virtualService('a', 'a-v2'));
    await rec.next();
    expect(fx.hostsOf(s, 'a')).toEqual(['a-v2']);
    expect(fx.hostsOf(s, 'b')).toEqual(['b']);
    const problem = s.current()!.problems.map(formatProblem).find((l) => l.includes('locked/'));
    expect(problem).toMatch(/locked\/: cannot read directory: EACCES: permission denied.*keep their last good version/);
    expect(fx.logger.entries.filter((e) => e.level === 'error' && e.msg?.includes('cannot read directory'))).toHaveLength(1);

    denied = false;
    await waitFor(() => !s.current()!.problems.some((p) => p.message.includes('cannot read directory')));
    expect(fx.hostsOf(s, 'b')).toEqual(['b']);
  });

  it('logs a kind it does not read once, at info, naming the file', async () => {
    fx.tree.write('mixed.yaml', `${virtualService('a', 'a')}---\n${secret}`);
    const s = fx.startSource();
    await s.start();
    const rec = recordUpdates(s);
    fx.tree.write('mixed.yaml', `${virtualService('a', 'a-v2')}---\n${secret}`);
    await rec.next();
    const skipped = fx.logger.entries.filter((e) => e.msg?.startsWith('skipped Secret'));
    expect(skipped).toEqual([{ level: 'info', msg: 'skipped Secret creds in mixed.yaml: minipilot does not read v1 Secret', obj: expect.objectContaining({ file: 'mixed.yaml', kind: 'Secret' }) }]);
  });

  it('logs a symlink loop once, at info, naming the file', async () => {
    fx.tree.write('a.yaml', virtualService('a', 'a'));
    fs.symlinkSync(path.join(fx.tree.dir, 'loop.yaml'), path.join(fx.tree.dir, 'loop.yaml'));
    const s = fx.startSource();
    await s.start();
    const rec = recordUpdates(s);
    fx.tree.write('a.yaml', virtualService('a', 'a-v2'));
    await rec.next();
    expect(fx.logger.entries.filter((e) => e.msg?.includes('loop.yaml'))).toEqual([{ level: 'info', msg: 'skipped loop.yaml: symlink loop', obj: expect.objectContaining({ file: 'loop.yaml' }) }]);
  });

  it('loads a large file without blocking: timers fire while it is read', async () => {
    fx.tree.write('big.yaml', Array.from({ length: 3000 }, (_, i) => virtualService(`vs-${i}`, `h${i}`)).join('---\n'));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      const s = fx.startSource();
      const first = await s.start();
      expect(first.snapshot.objects.size).toBe(3000);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(0);
  });

  it('shows a problem that appears or goes away in current() at once, with no served change', async () => {
    fx.tree.write('a.yaml', virtualService('a', 'a'));
    const s = fx.startSource();
    await s.start();
    fx.tree.write('broken.yaml', 'kind: [');
    await waitFor(() => s.current()!.problems.some((p) => p.origin?.file === 'broken.yaml'));
    fx.tree.remove('broken.yaml');
    await waitFor(() => s.current()!.problems.length === 0);
  });
});
