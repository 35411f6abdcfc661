import { translate } from '../translate.js';
import * as path from 'node:path';
import { loadObjects, REPO_ROOT } from '../testing/lab-config.js';
import { formatTable, proxyConfigTable } from './proxy-config-table.js';

// The lab's productpage sidecar, summarised as `istioctl proxy-config <kind>` would print its config dump.
const node = { id: 'sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local', metadata: { ISTIO_VERSION: '1.23' } };
const resources = translate(loadObjects(path.join(REPO_ROOT, 'apps/discovery/lab')), node);

describe('proxyConfigTable', () => {
  it('pads every column but the last, as Go\'s tabwriter does', () => {
    expect(formatTable([['A', 'BB', 'C'], ['long', 'x', 'tail']], 2)).toBe('A     BB  C\nlong  x   tail\n');
  });

  it('listeners: ADDRESSES PORT MATCH DESTINATION, a row per filter chain, by port', () => {
    const text = proxyConfigTable(resources, 'listeners');
    expect(text.split('\n')[0]).toMatch(/^ADDRESSES +PORT +MATCH +DESTINATION$/);
    expect(text).toMatch(/^0\.0\.0\.0 +9080 +Trans: raw_buffer; App: http\/1\.1,h2c +Route: 9080$/m);
    expect(text).toMatch(/^0\.0\.0\.0 +15001 +ALL +PassthroughCluster$/m);
    const ports = text.trimEnd().split('\n').slice(1).map((l) => Number(l.split(/ +/)[1]));
    expect(ports).toEqual([...ports].sort((a, b) => a - b));
  });

  it('routes: NAME VHOST NAME DOMAINS MATCH VIRTUAL SERVICE, with the VirtualService as name.namespace', () => {
    const text = proxyConfigTable(resources, 'routes');
    expect(text.split('\n')[0]).toMatch(/^NAME +VHOST NAME +DOMAINS +MATCH +VIRTUAL SERVICE$/);
    expect(text).toMatch(/^9080 +reviews\.default\.svc\.cluster\.local:9080 +reviews\.default\.svc\.cluster\.local\., reviews \+ 2 more\.\.\. +\/\* +reviews\.default$/m);
    expect(text).not.toMatch(/allow_any/); // passthrough routes are left out, as istioctl does
  });

  it('clusters: SERVICE FQDN PORT SUBSET DIRECTION TYPE DESTINATION RULE', () => {
    const text = proxyConfigTable(resources, 'clusters');
    expect(text.split('\n')[0]).toMatch(/^SERVICE FQDN +PORT +SUBSET +DIRECTION +TYPE +DESTINATION RULE$/);
    expect(text).toMatch(/^reviews\.default\.svc\.cluster\.local +9080 +v2 +outbound +EDS +reviews\.default$/m);
    expect(text).toMatch(/^reviews\.default\.svc\.cluster\.local +9080 +- +outbound +EDS +reviews\.default$/m);
    expect(text).toMatch(/^BlackHoleCluster +- +- +- +STATIC *$/m);
  });

  it('endpoints: ENDPOINT STATUS LOCALITY CLUSTER', () => {
    const text = proxyConfigTable(resources, 'endpoints');
    expect(text.split('\n')[0]).toMatch(/^ENDPOINT +STATUS +LOCALITY +CLUSTER$/);
    expect(text).toMatch(/^\d+\.\d+\.\d+\.\d+:9080 +HEALTHY +outbound\|9080\|v2\|reviews\.default\.svc\.cluster\.local$/m);
  });
});
