import { create } from '@bufbuild/protobuf';
import { routeV3 } from '@minipilot/envoy-api';
import { loadYaml, createConfigSnapshot } from '@minipilot/config';
import { buildPushContext, generateResources, parseProxy, checkConsistent } from '@minipilot/translation';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { acceptResources } from './accept.js';
const EMBEDDED_LAB_DIR = path.join(__dirname, '../../../apps/discovery/lab');

const objects = fs.readdirSync(EMBEDDED_LAB_DIR).filter((f) => f.endsWith('.yaml')).flatMap((f) => loadYaml(fs.readFileSync(path.join(EMBEDDED_LAB_DIR, f), 'utf8'), f).objects);
const proxy = parseProxy({ id: 'sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local' });
const good = generateResources(proxy, buildPushContext(createConfigSnapshot(objects)));

/** The same resources with route configuration "9080" broken the way Envoy NACKs: a domain served twice. */
function withBrokenRoutes(): typeof good {
  return {
    ...good,
    routes: good.routes.map((rc) => (rc.name !== '9080' ? rc : create(routeV3.RouteConfigurationSchema, {
      ...rc,
      virtualHosts: rc.virtualHosts.map((vh, i) => (i === 1 ? { ...vh, domains: [...vh.domains, rc.virtualHosts[0]!.domains[0]!] } : vh)),
    }))),
  };
}

describe('acceptResources', () => {
  it('passes what the generators build for the lab unchanged', () => {
    const a = acceptResources(proxy, good, undefined);
    expect(a.violations).toEqual([]);
    expect(a.resources.routes.map((r) => r.name)).toEqual(good.routes.map((r) => r.name));
  });

  it('withholds a route configuration Envoy would reject and keeps serving its last good version', () => {
    const a = acceptResources(proxy, withBrokenRoutes(), good);
    expect(a.violations.map((v) => v.resourceName)).toContain('9080');
    expect(a.keptLastGood).toEqual(['routes/9080']);
    expect(a.resources.routes.find((r) => r.name === '9080')).toBe(good.routes.find((r) => r.name === '9080'));
    expect(checkConsistent(a.resources)).toEqual([]);
  });

  it('serves an empty stand-in when there is no last good version, keeping the set consistent', () => {
    const a = acceptResources(proxy, withBrokenRoutes(), undefined);
    const rc = a.resources.routes.find((r) => r.name === '9080');
    expect(rc?.virtualHosts).toEqual([]);
    expect(checkConsistent(a.resources)).toEqual([]);
  });
});
