// Inputs big enough to stall the server are rejected whole, with an error naming the file; large
// inputs load one document at a time.
import { loadYaml, loadYamlSteps } from './load-yaml.js';

const vs = (i: number, hosts: readonly string[] = [`svc-${i}.default.svc.cluster.local`]): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs-${i}, namespace: default}
spec:
  hosts: ${JSON.stringify(hosts)}
  http:
  - route:
    - destination: {host: svc-${i}.default.svc.cluster.local}
`;

describe('load limits', () => {
  it('rejects a file over the size limit, naming the file', () => {
    const r = loadYaml(vs(0) + '#'.repeat(200), 'big.yaml', { maxFileLength: 100, maxObjectsPerFile: 10 });
    expect(r.syntaxError).toBe(true);
    expect(r.objects).toEqual([]);
    expect(r.problems).toEqual([{ severity: 'error', stage: 'syntax', origin: { file: 'big.yaml' }, message: expect.stringMatching(/^file is \d+ characters, more than the limit of 100; split it into smaller files$/) }]);
  });

  it('rejects a file with more objects than the limit, List items included', () => {
    const three = [0, 1, 2].map((i) => vs(i)).join('---\n');
    expect(loadYaml(three, 'many.yaml', { maxFileLength: 1e6, maxObjectsPerFile: 3 }).objects).toHaveLength(3);
    const r = loadYaml(`${three}---\napiVersion: v1\nkind: List\nitems: []\n---\n${vs(3)}`, 'many.yaml', { maxFileLength: 1e6, maxObjectsPerFile: 3 });
    expect([r.syntaxError, r.objects.length, r.problems[0]?.message, r.problems[0]?.origin]).toEqual([true, 0, 'file has more than 3 objects; split it into smaller files', { file: 'many.yaml' }]);
  });

  it('loadYamlSteps yields once per document and returns what loadYaml returns', () => {
    const text = [0, 1, 2, 3].map((i) => vs(i)).join('---\n');
    const steps = loadYamlSteps(text, 'x.yaml');
    let yields = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) yields++;
    expect(yields).toBe(4);
    expect(step.value).toEqual(loadYaml(text, 'x.yaml'));
  });

  it('keeps document lines right in a file of many documents', () => {
    const r = loadYaml([0, 1, 2].map((i) => vs(i)).join('---\n'), 'x.yaml');
    expect(r.objects.map((o) => o.origin?.line)).toEqual([1, 10, 19]); // the line each object starts on (after its `---`)
  });

  it('rejects a VirtualService with more hosts than the limit before any other rule (40,000 hosts)', () => {
    const hosts = Array.from({ length: 40_000 }, (_, i) => `h${i}.example.com`);
    const r = loadYaml(vs(0, hosts), 'hosts.yaml');
    expect(r.objects).toEqual([]);
    expect(r.problems.map((p) => [p.field, p.message, p.origin?.file])).toEqual([['spec.hosts', '40000 hosts, more than the limit of 10000 per resource; split the VirtualService into several', 'hosts.yaml']]);
  });

  it('validates a VirtualService of 10,000 hosts (duplicates found without comparing every pair)', () => {
    const hosts = [...Array.from({ length: 9_999 }, (_, i) => `h${i}.example.com`), 'h5.example.com'];
    expect(loadYaml(vs(0, hosts), 'hosts.yaml').problems.map((p) => p.message)).toEqual(['duplicate hosts in virtual service: h5.example.com & h5.example.com']);
  });
});
