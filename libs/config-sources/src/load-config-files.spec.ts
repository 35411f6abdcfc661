import * as path from 'node:path';
import { formatProblem } from '@minipilot/config';
import { loadConfigFiles } from './load-config-files.js';
import { createTempTree, destinationRule, documents, virtualService, type TempTree } from './testing/temp-tree.js';

describe('loadConfigFiles', () => {
  let tree: TempTree;
  beforeEach(() => {
    tree = createTempTree();
  });
  afterEach(() => tree.cleanup());

  it('lets a later -f path replace an earlier one\'s object of the same key, as kubectl apply would', () => {
    tree.write('base/vs.yaml', virtualService('reviews', 'reviews'));
    tree.write('base/dr.yaml', destinationRule('reviews', 'reviews'));
    tree.write('override.yaml', virtualService('reviews', 'other'));
    const base = path.join(tree.dir, 'base');
    const override = path.join(tree.dir, 'override.yaml');
    const r = loadConfigFiles([base, override]);
    expect(r.objects.map((o) => `${o.kind}/${o.metadata.name}@${o.origin?.file}`)).toEqual([
      `DestinationRule/reviews@${base}/dr.yaml`,
      `VirtualService/reviews@${override}`,
    ]);
    expect(r.problems.map(formatProblem)).toEqual([
      `Warning [VirtualService default/reviews] ${override}:1: replaces the object from ${base}/vs.yaml:1 (a later -f wins)`,
    ]);
  });

  it('reads files and directories once, naming files as given, and reports problems, syntax errors and missing paths', () => {
    tree.write('dir/a.yaml', documents(virtualService('a', 'a'), destinationRule('a', 'a')));
    tree.write('dir/sub/b.yml', virtualService('b', 'b'));
    tree.write('dir/sub/dup.yaml', virtualService('a', 'other'));
    tree.write('dir/.hidden/c.yaml', virtualService('c', 'c'));
    tree.write('dir/broken.yaml', 'kind: [unclosed\n');
    tree.write('single.txt', virtualService('s', 's'));
    const dir = path.join(tree.dir, 'dir');
    const single = path.join(tree.dir, 'single.txt');
    const missing = path.join(tree.dir, 'nope.yaml');

    const r = loadConfigFiles([dir, single, missing, single]);

    expect(r.objects.map((o) => `${o.kind}/${o.metadata.name}@${o.origin?.file}`)).toEqual([
      `VirtualService/a@${dir}/sub/dup.yaml`,
      `DestinationRule/a@${dir}/a.yaml`,
      `VirtualService/b@${dir}/sub/b.yml`,
      `VirtualService/s@${single}`,
    ]);
    expect(r.syntaxErrors).toEqual([`${dir}/broken.yaml`]);
    expect(r.missing).toEqual([missing]);
    expect(r.problems.map(formatProblem)).toEqual([
      expect.stringMatching(new RegExp(`^Error ${dir}/broken.yaml:1: YAML syntax error`)),
      `Warning [VirtualService default/a] ${dir}/sub/dup.yaml:1: duplicate of the object defined in ${dir}/a.yaml:1, which it replaces (the last in path order wins, as with kubectl apply -f DIR)`,
    ]);
  });
});
