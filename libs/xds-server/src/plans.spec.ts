import { TypeUrl } from '@minipilot/envoy-api';
import { planDeltaResponse } from './delta-plan.js';
import { changedOnResend, flushInOrder, inPushOrder } from './push-order.js';
import { createResource, type XdsResource } from './snapshot.js';
import { planSotwResponse } from './sotw-plan.js';
import { applySotwNames, type Subscription } from './subscription.js';

const { Cluster: CDS, ClusterLoadAssignment: EDS, Listener: LDS, RouteConfiguration: RDS } = TypeUrl;
const res = (name: string, content = name) => createResource(name, new TextEncoder().encode(content));
const byName = (...list: XdsResource[]) => new Map(list.map((r) => [r.name, r]));
const held = (...list: XdsResource[]) => new Map(list.map((r) => [r.name, r.version]));
const sub = (typeUrl: string, names: string[]): Subscription => applySotwNames(undefined, typeUrl, names);
const namesOf = (plan: { resources: readonly XdsResource[] } | undefined) => plan?.resources.map((r) => r.name);

describe('planSotwResponse', () => {
  const a = res('a');
  const b = res('b');
  const b2 = res('b', 'b v2');
  it.each([
    ['CDS first request: full set', CDS, [], new Map(), true, byName(a, b), ['a', 'b']],
    ['CDS unchanged: nothing', CDS, [], held(a, b), false, byName(a, b), undefined],
    ['CDS one changed: full set', CDS, [], held(a, b), false, byName(a, b2), ['a', 'b']],
    ['CDS deletion: set without it', CDS, [], held(a, b), false, byName(a), ['a']],
    ['CDS name-set change forced: full set', CDS, ['a'], held(a, b), true, byName(a, b), ['a']],
    ['EDS first request: subscribed only', EDS, ['b', 'zz'], new Map(), true, byName(a, b), ['b']],
    ['EDS one changed: only it', EDS, ['a', 'b'], held(a, b), false, byName(a, b2), ['b']],
    ['EDS deletion: nothing (no deletion in SotW EDS)', EDS, ['a', 'b'], held(a, b), false, byName(a), undefined],
    ['EDS change of an unsubscribed name: nothing', EDS, ['a'], held(a), false, byName(a, b2), undefined],
    ['EDS forced with nothing new: empty response', EDS, [], new Map(), true, byName(a), []],
  ] as const)('%s', (_name, typeUrl, names, sent, force, available, want) => {
    expect(namesOf(planSotwResponse(typeUrl, { sub: sub(typeUrl, [...names]), sent, force }, available))).toEqual(want);
  });

  it('answers an unknown type only when forced, with no resources', () => {
    const input = { sub: sub(EDS, ['x']), sent: new Map(), force: true };
    expect(namesOf(planSotwResponse('istio.io/debug/syncz', input, undefined))).toEqual([]);
    expect(planSotwResponse('istio.io/debug/syncz', { ...input, force: false }, undefined)).toBeUndefined();
  });
});

describe('planDeltaResponse', () => {
  const a = res('a');
  const b = res('b');
  const b2 = res('b', 'b v2');
  const plan = (names: string[], clientHas: Map<string, string>, forced: string[], force: boolean, available: Map<string, XdsResource>) => {
    const p = planDeltaResponse({ sub: sub(CDS, names), clientHas, forced: new Set(forced), force }, available);
    return p && { names: namesOf(p), removed: p.removed, holds: [...p.clientHas.keys()] };
  };
  it.each([
    ['wildcard first request, client holds a', [], held(a), [], true, byName(a, b), { names: ['b'], removed: [], holds: ['a', 'b'] }],
    ['changed resource only', [], held(a, b), [], false, byName(a, b2), { names: ['b'], removed: [], holds: ['a', 'b'] }],
    ['deleted resource removed', [], held(a, b), [], false, byName(a), { names: [], removed: ['b'], holds: ['a'] }],
    ['subscribed missing name removed', ['a', 'zz'], held(a), ['zz'], false, byName(a), { names: [], removed: ['zz'], holds: ['a'] }],
    ['forced name resent though held', ['a'], held(a), ['a'], false, byName(a), { names: ['a'], removed: [], holds: ['a'] }],
    ['nothing changed', ['a'], held(a), [], false, byName(a, b2), undefined],
  ] as const)('%s', (_name, names, clientHas, forced, force, available, want) => {
    expect(plan([...names], clientHas, [...forced], force, available)).toEqual(want);
  });
});

describe('push order', () => {
  it('orders CDS, EDS, LDS, RDS before other types', () => {
    expect(inPushOrder(['x.io/b', RDS, LDS, 'x.io/a', EDS, CDS])).toEqual([CDS, EDS, LDS, RDS, 'x.io/a', 'x.io/b']);
  });

  it('holds later ordered types behind an in-flight type with a response due, but not other types', () => {
    const trackers = new Map([
      [RDS, { inFlight: false }],
      [CDS, { inFlight: true }],
      [EDS, { inFlight: false }],
      ['x.io/other', { inFlight: false }],
    ]);
    const sent: string[] = [];
    flushInOrder(trackers, () => 'due', (typeUrl) => sent.push(typeUrl));
    expect(sent).toEqual(['x.io/other']);
    sent.length = 0;
    flushInOrder(trackers, (typeUrl) => (typeUrl === CDS ? undefined : 'due'), (typeUrl) => sent.push(typeUrl));
    expect(sent).toEqual([EDS, RDS, 'x.io/other']);
  });

  it('names only the resources re-sent with a different version', () => {
    expect(changedOnResend(new Map([['a', '1'], ['b', '1']]), new Map([['a', '2'], ['b', '1'], ['c', '1']]))).toEqual(['a']);
  });
});
