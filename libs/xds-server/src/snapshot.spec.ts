import { create, toBinary } from '@bufbuild/protobuf';
import { clusterV3, endpointV3, ndsV1, TypeUrl } from '@minipilot/envoy-api';
import { createNackLog, type NackRecord } from './nack-log.js';
import { resourceNameOf } from './resource-name.js';
import { createResource, createSnapshot } from './snapshot.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('createResource / createSnapshot', () => {
  it('versions a resource by content only', () => {
    expect(createResource('a', bytes('x')).version).toBe(createResource('b', bytes('x')).version);
    expect(createResource('a', bytes('x')).version).not.toBe(createResource('a', bytes('y')).version);
  });

  it('versions a type over sorted (name, version) pairs, independent of input order', () => {
    const a = createResource('a', bytes('1'));
    const b = createResource('b', bytes('2'));
    const one = createSnapshot({ t: [a, b] });
    expect(createSnapshot(new Map([['t', [b, a]]])).version('t')).toBe(one.version('t'));
    expect(createSnapshot({ t: [a, createResource('b', bytes('3'))] }).version('t')).not.toBe(one.version('t'));
    expect(createSnapshot({ t: [createResource('c', bytes('2')), a] }).version('t')).not.toBe(one.version('t')); // renamed
    expect(one.version('absent')).toBe('');
    expect(createSnapshot({ t: [] }).version('t')).not.toBe('');
    expect([...one.resources.get('t')!.keys()]).toEqual(['a', 'b']);
  });

  it('rejects duplicate names within a type', () => {
    expect(() => createSnapshot({ t: [createResource('a', bytes('1')), createResource('a', bytes('2'))] })).toThrow(/duplicate/);
  });
});

describe('resourceNameOf', () => {
  it('reads field 1 of Envoy resources', () => {
    expect(resourceNameOf(toBinary(clusterV3.ClusterSchema, create(clusterV3.ClusterSchema, { name: 'outbound|80||x', altStatName: 's' })))).toBe('outbound|80||x');
    const cla = create(endpointV3.ClusterLoadAssignmentSchema, { clusterName: 'c', endpoints: [{ priority: 1 }] });
    expect(resourceNameOf(toBinary(endpointV3.ClusterLoadAssignmentSchema, cla))).toBe('c');
    expect(resourceNameOf(new Uint8Array([0xff, 0xff]))).toBe('');
  });

  it("names istio-agent's NDS NameTable '' (its field 1 is the table, not a name)", () => {
    const table = toBinary(ndsV1.NameTableSchema, create(ndsV1.NameTableSchema, { table: { 'a.ns.svc.cluster.local': { ips: ['10.0.0.1'] } } }));
    expect(resourceNameOf(table, TypeUrl.NameTable)).toBe('');
  });
});

describe('createNackLog', () => {
  const record = (n: number): NackRecord => ({ time: '', nodeId: 'n', streamId: 's', typeUrl: 't', nonce: String(n), version: '', message: '' });
  it('keeps the last N records, oldest first', () => {
    const log = createNackLog(3);
    for (let i = 1; i <= 5; i++) log.add(record(i));
    expect(log.list().map((r) => r.nonce)).toEqual(['3', '4', '5']);
    const small = createNackLog(3);
    small.add(record(1));
    expect(small.list().map((r) => r.nonce)).toEqual(['1']);
  });
});
