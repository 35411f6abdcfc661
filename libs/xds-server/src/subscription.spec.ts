import { TypeUrl } from '@minipilot/envoy-api';
import { addedNames, applyDeltaChange, applySotwNames, describeSubscription, removedNames, subscriptionChanged, wantedNames, type Subscription } from './subscription.js';

const { Cluster: CDS, ClusterLoadAssignment: EDS } = TypeUrl;

/** Applies SotW name lists in sequence and returns the described subscriptions. */
function sotw(typeUrl: string, ...lists: string[][]): (readonly string[] | '*')[] {
  let sub: Subscription | undefined;
  return lists.map((list) => describeSubscription((sub = applySotwNames(sub, typeUrl, list))));
}

describe('SotW subscriptions', () => {
  it.each([
    ['spec sequence on CDS', CDS, [[], ['*', 'a'], ['a'], []], ['*', '*', ['a'], []]],
    ['empty list on EDS is none, * is not wildcard', EDS, [[], ['*'], ['a']], [[], [], ['a']]],
    ['explicit * after names', CDS, [['a'], ['*']], [['a'], '*']],
    ['legacy wildcard ends once names were sent', CDS, [[], ['a'], []], ['*', ['a'], []]],
  ] as const)('%s', (_name, typeUrl, lists, want) => {
    expect(sotw(typeUrl, ...lists.map((l) => [...l]))).toEqual(want);
  });
});

describe('delta subscriptions', () => {
  it.each([
    ['empty first CDS subscribe is wildcard', CDS, [[[], []]], ['*']],
    ['empty first EDS subscribe is none', EDS, [[[], []]], [[]]],
    ['named first CDS subscribe is not wildcard', CDS, [[['a'], []]], [['a']]],
    ['unsubscribe * drops wildcard, keeps names', CDS, [[[], []], [['a'], []], [[], ['*']]], ['*', '*', ['a']]],
    ['subscribe * adds wildcard', CDS, [[['a'], []], [['*'], ['a']]], [['a'], '*']],
  ] as const)('%s', (_name, typeUrl, steps, want) => {
    let sub: Subscription | undefined;
    const got = steps.map(([s, u]) => describeSubscription((sub = applyDeltaChange(sub, typeUrl, s, u))));
    expect(got).toEqual(want);
  });

  it('keeps explicit names under a wildcard', () => {
    const sub = applyDeltaChange(applyDeltaChange(undefined, CDS, [], []), CDS, ['x'], []);
    expect([sub.wildcard, [...sub.names]]).toEqual([true, ['x']]);
  });
});

describe('subscription helpers', () => {
  const none = applySotwNames(undefined, EDS, []);
  const ab = applySotwNames(none, EDS, ['a', 'b']);
  const bc = applySotwNames(ab, EDS, ['b', 'c']);
  const wild = applySotwNames(undefined, CDS, ['*']);

  it('lists added and removed names', () => {
    expect([addedNames(ab, bc), removedNames(ab, bc)]).toEqual([['c'], ['a']]);
    expect(addedNames(wild, applySotwNames(wild, CDS, ['*', 'z']))).toEqual([]); // already covered
  });

  it('detects changes of names and wildcard only', () => {
    expect(subscriptionChanged(ab, applySotwNames(ab, EDS, ['b', 'a']))).toBe(false);
    expect(subscriptionChanged(ab, bc)).toBe(true);
    expect(subscriptionChanged(wild, applySotwNames(wild, CDS, ['x']))).toBe(true);
  });

  it('wants every available name for wildcard plus explicit ones, sorted', () => {
    const available = new Map([['b', 1], ['a', 1]]);
    expect(wantedNames(applySotwNames(undefined, CDS, ['*', 'z']), available)).toEqual(['a', 'b', 'z']);
    expect(wantedNames(bc, available)).toEqual(['b', 'c']);
  });
});
