import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadYaml, createConfigSnapshot, parseMeshConfig, type ConfigObject } from '@minipilot/config';
import { translate, translateWithReport, simulate } from './translate.js';
import { buildPushContext } from './model/push-context.js';
import { generateResources } from './generate.js';
import { parseProxy } from './proxy.js';
import { resourcesToJson } from './to-json.js';

const labDir = path.resolve(__dirname, '../../../apps/discovery/lab');
const lab = (): ConfigObject[] => fs.readdirSync(labDir).filter((f) => f.endsWith('.yaml')).sort()
  .flatMap((f) => [...loadYaml(fs.readFileSync(path.join(labDir, f), 'utf8'), f).objects]);
const node = { id: 'sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local', metadata: { ISTIO_VERSION: '1.23' } };

describe('translate', () => {
  it('gives what the generators give for a clean config, with nothing withheld or reported', () => {
    const report = translateWithReport(lab(), node);
    expect(report.configProblems).toEqual([]);
    expect(report.violations).toEqual([]);
    const direct = generateResources(parseProxy(node), buildPushContext(createConfigSnapshot(lab())));
    expect(resourcesToJson(report.resources)).toEqual(resourcesToJson(direct));
    expect(resourcesToJson(translate(lab(), parseProxy(node)))).toEqual(resourcesToJson(direct));
  });

  it('applies the mesh config', () => {
    const mesh = parseMeshConfig('outboundTrafficPolicy: {mode: REGISTRY_ONLY}').mesh;
    const vhosts = (m?: typeof mesh) => translate(lab(), node, m ? { mesh: m } : {}).routes.find((r) => r.name === '9080')!.virtualHosts.map((v) => v.name);
    expect(vhosts()).toContain('allow_any');
    expect(vhosts(mesh)).toContain('block_all');
  });

  it('simulate = translate + simulateRequest', () => {
    expect(simulate(lab(), node, { host: 'ratings', port: 9080 }).cluster).toBe('outbound|9080|v1|ratings.default.svc.cluster.local');
  });
});
