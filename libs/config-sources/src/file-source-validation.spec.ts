import { formatProblem } from '@minipilot/config';
import { loadConfigFiles } from './load-config-files.js';
import { createTempTree, destinationRule, documents, virtualService } from './testing/temp-tree.js';
import { useFileSourceFixture } from './testing/file-source-fixture.js';
import { recordUpdates, waitFor } from './testing/update-recorder.js';

/** A VirtualService that passes the schema but not Istio's rules: RE2 has no look-ahead. */
const lookahead = (name: string, host: string): string =>
  virtualService(name, host).replace('  - route:', "  - match: [{uri: {regex: '/api(?=/v1)'}}]\n    route:");

/** A VirtualService whose two hosts are one service in `default`: Envoy would reject the duplicate domain. */
const sameHostTwice = (name: string): string =>
  virtualService(name, 'ratings').replace('hosts: [ratings]', 'hosts: [ratings, ratings.default.svc.cluster.local]');

describe('createFileSource with resources that fail validation', () => {
  const fx = useFileSourceFixture();
  const { logger, startSource, hostsOf } = fx;
  const errorLines = (): string[] => logger.entries.filter((e) => e.level === 'error').map((e) => e.msg ?? '');

  it('serves the good files beside a bad one and logs the Istio error once', async () => {
    fx.tree.write('a-good.yaml', virtualService('good', 'good'));
    fx.tree.write('b-bad.yaml', documents(destinationRule('ok', 'ok'), lookahead('bad', 'bad')));
    fx.tree.write('c-good.yaml', virtualService('also-good', 'also-good'));
    const s = startSource();
    const first = await s.start();

    expect([...first.snapshot.objects.keys()].sort()).toEqual(['DestinationRule/default/ok', 'VirtualService/default/also-good', 'VirtualService/default/good']);
    const expected = 'Error [VirtualService default/bad] b-bad.yaml:9: spec.http[0].match[0].uri: "uri": error parsing regexp: invalid or unsupported Perl syntax: `(?=`; '
      + 'Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)';
    expect(first.problems.map(formatProblem)).toEqual([expected]);
    expect(first.problems[0]).toMatchObject({ severity: 'error', stage: 'validation' });

    const rec = recordUpdates(s);
    fx.tree.write('a-good.yaml', virtualService('good', 'good-v2'));
    await rec.next();
    await rec.expectNone(300);
    expect(errorLines()).toEqual([expected]);
  });

  it('keeps the last good version of a resource edited into an invalid one, and serves the fix', async () => {
    fx.tree.write('a.yaml', virtualService('a', 'a'));
    fx.tree.write('b.yaml', virtualService('b', 'b'));
    const s = startSource();
    await s.start();
    const rec = recordUpdates(s);

    fx.tree.write('a.yaml', lookahead('a', 'a-broken'));
    await waitFor(() => s.current()!.problems.length > 0);
    expect(hostsOf(s, 'a')).toEqual(['a']);
    expect(hostsOf(s, 'b')).toEqual(['b']);
    expect(s.current()!.problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^Error \[VirtualService default\/a\] a\.yaml:1: spec\.http\[0\]\.match\[0\]\.uri: "uri": error parsing regexp/),
      'Warning [VirtualService default/a] a.yaml:1: invalid: still serving the last good version',
    ]);
    await rec.expectNone(200);

    fx.tree.write('a.yaml', virtualService('a', 'a-fixed'));
    const fixed = await rec.next();
    expect([...fixed.changedKeys]).toEqual(['VirtualService/default/a']);
    expect(fixed.problems).toEqual([]);
    expect(hostsOf(s, 'a')).toEqual(['a-fixed']);
  });

  it('withholds a resource with a cross-resource error while every other resource keeps its routes', async () => {
    fx.tree.write('a.yaml', virtualService('reviews', 'reviews'));
    fx.tree.write('b.yaml', sameHostTwice('ratings'));
    const s = startSource();
    const first = await s.start();

    expect([...first.snapshot.objects.keys()]).toEqual(['VirtualService/default/reviews']);
    expect(first.problems.map(formatProblem)).toEqual([
      'Error [VirtualService default/ratings] b.yaml:1: spec.hosts[1]: host "ratings.default.svc.cluster.local" and host "ratings" are the same host '
        + '"ratings.default.svc.cluster.local" in namespace default; Envoy rejects a virtual host with a duplicate domain',
      // istioctl analyze says the same of one VirtualService naming a host twice (it lists the VirtualService twice).
      'Warning [IST0109] [VirtualService default/ratings] b.yaml:1: spec.hosts[0]: The VirtualServices default/ratings,default/ratings associated with mesh gateway '
        + 'define the same host */ratings.default.svc.cluster.local which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.',
    ]);

    const rec = recordUpdates(s);
    fx.tree.write('b.yaml', virtualService('ratings', 'ratings'));
    const fixed = await rec.next();
    expect([...fixed.changedKeys]).toEqual(['VirtualService/default/ratings']);
    expect(fixed.problems).toEqual([]);
  });

  it('serves a route to an undefined subset, with a warning (Envoy accepts it and answers 503)', async () => {
    fx.tree.write('vs.yaml', virtualService('reviews', 'reviews').replace('{host: reviews}', '{host: reviews, subset: v9}'));
    fx.tree.write('dr.yaml', destinationRule('reviews', 'reviews', ['v1']));
    const first = await startSource().start();
    expect(first.snapshot.get('VirtualService', 'default', 'reviews')).toBeDefined();
    expect(first.problems.map(formatProblem)).toEqual([
      'Warning [IST0101] [VirtualService default/reviews] vs.yaml:1: spec.http[0].route[0].destination.subset: Referenced host+subset in destinationrule not found: "reviews+v9"',
    ]);
  });
});

describe('loadConfigFiles with resources that fail validation', () => {
  it('returns the valid objects and every problem, validation errors included', () => {
    const tree = createTempTree();
    try {
      tree.write('x.yaml', documents(virtualService('good', 'good'), lookahead('bad', 'bad')));
      const loaded = loadConfigFiles([tree.dir]);
      expect(loaded.objects.map((o) => o.metadata.name)).toEqual(['good']);
      expect(loaded.problems.map((p) => [p.severity, p.stage, p.name])).toEqual([['error', 'validation', 'bad']]);
    } finally {
      tree.cleanup();
    }
  });
});
