import * as fs from 'node:fs';
import * as path from 'node:path';
import { create } from '@bufbuild/protobuf';
import { DurationSchema } from '@bufbuild/protobuf/wkt';
import { createConfigSnapshot, loadYaml, type ConfigObject } from '@minipilot/config';
import { buildPushContext, type PushContext } from '../model/push-context.js';
import { generateResources } from '../generate.js';
import { checkConsistent } from '../consistency.js';
import { parseProxy, type ProxyNodeInput } from '../proxy.js';
import { checkEnvoyResources, formatViolation } from './check.js';

// Everything the generators produce for Istio's own samples and the lab config must pass the
// acceptance check, for every kind of proxy.
const samplesDir = path.resolve(__dirname, '../../../../../shared/samples');
const labDir = path.resolve(__dirname, '../../../../apps/discovery/lab');

function load(dir: string, files: readonly string[]): ConfigObject[] {
  return files.flatMap((f) => loadYaml(fs.readFileSync(path.join(dir, f), 'utf8'), f).objects);
}

const sampleFiles = fs.readdirSync(samplesDir).filter((f) => f.endsWith('.yaml')).sort();
const apps = sampleFiles.filter((f) => /__(bookinfo|bookinfo-versions|httpbin|curl|sleep|helloworld|tcp-echo-services|app)\.yaml$/.test(f));
const labFiles = fs.readdirSync(labDir).filter((f) => f.endsWith('.yaml')).sort();

const scenarios: [string, () => ConfigObject[]][] = [
  ['lab', () => load(labDir, labFiles)],
  ['all samples together', () => load(samplesDir, sampleFiles)],
  ...sampleFiles.filter((f) => !apps.includes(f)).map((f): [string, () => ConfigObject[]] => [f, () => load(samplesDir, [...apps, f])]),
];

const proxies: [string, ProxyNodeInput][] = [
  ['istio-proxy sidecar', { id: 'sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local', metadata: { ISTIO_VERSION: '1.27.0' }, labels: { app: 'productpage', version: 'v1' } }],
  ['stock Envoy sidecar', { id: 'sidecar~10.244.0.11~reviews-v2-0.default~default.svc.cluster.local', labels: { app: 'reviews', version: 'v2' } }],
  ['proxyless gRPC', { id: 'sidecar~10.244.0.12~curl-0.default~default.svc.cluster.local', metadata: { GENERATOR: 'grpc' }, labels: { app: 'curl' } }],
  ['ingress gateway', { id: 'router~10.244.0.50~istio-ingressgateway-0.istio-system~istio-system.svc.cluster.local', metadata: { ISTIO_VERSION: '1.27.0' }, labels: { istio: 'ingressgateway' } }],
  ['egress gateway', { id: 'router~10.244.0.51~istio-egressgateway-0.istio-system~istio-system.svc.cluster.local', metadata: { ISTIO_VERSION: '1.27.0' }, labels: { istio: 'egressgateway' } }],
];

describe('generated resources pass the Envoy acceptance check', () => {
  it('finds the samples', () => expect(sampleFiles.length).toBeGreaterThan(20));
  describe.each(scenarios)('%s', (_, configs) => {
    let push: PushContext | undefined;
    it.each(proxies)('for a %s', (_kind, node) => {
      push ??= buildPushContext(createConfigSnapshot(configs()));
      const proxy = parseProxy(node);
      const res = generateResources(proxy, push);
      const out = checkEnvoyResources(res, { istioProxy: proxy.istioProxy });
      expect(out.violations.map(formatViolation)).toEqual([]);
      expect(out.withheld).toEqual([]);
      expect(checkConsistent(out.accepted)).toEqual([]);
      expect(out.accepted.listeners.length + out.accepted.clusters.length).toBeGreaterThan(0);
    });
  });

  it('still catches a defect planted in generated output (the check is not vacuous)', () => {
    const res = generateResources(parseProxy(proxies[0]![1]), buildPushContext(createConfigSnapshot(load(labDir, labFiles))));
    const victim = res.clusters.find((c) => c.name.startsWith('outbound|9080|v1|reviews'))!;
    victim.connectTimeout = create(DurationSchema, {});
    const out = checkEnvoyResources(res);
    expect(out.violations.map(formatViolation)).toEqual([`Cluster ${JSON.stringify(victim.name)}: connect_timeout: duration.gt: value 0s must be greater than 0s`]);
    expect(out.accepted.clusters).not.toContain(victim);
    expect(out.warnings.map((w) => w.message)).toContain(`cluster ${JSON.stringify(victim.name)} does not exist`);
  });
});
