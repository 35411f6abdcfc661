import * as fs from 'node:fs';
import * as path from 'node:path';
import { create } from '@bufbuild/protobuf';
import { coreV3 } from '@minipilot/envoy-api';
import { loadYaml, createConfigSnapshot, type ConfigObject } from '@minipilot/config';
import { buildPushContext, type PushContext } from '@minipilot/translation';
import type { XdsSnapshot } from '@minipilot/xds-server';
import { createProxySnapshots } from './proxy-snapshots.js';
import { EMBEDDED_LAB_DIR } from './options.js';

const lab: ConfigObject[] = fs.readdirSync(EMBEDDED_LAB_DIR).filter((f) => f.endsWith('.yaml')).flatMap((f) => loadYaml(fs.readFileSync(path.join(EMBEDDED_LAB_DIR, f), 'utf8'), f).objects);
const replica = (version: string): ConfigObject[] => [...loadYaml(`apiVersion: v1
kind: Pod
metadata: {name: reviews-v1-1, namespace: default, labels: {app: reviews, version: ${version}}}
status: {phase: Running, podIP: 10.244.0.24}
`).objects];
const pushWith = (extra: ConfigObject[]): PushContext => buildPushContext(createConfigSnapshot([...lab, ...extra]));
const node = (id: string): coreV3.Node => create(coreV3.NodeSchema, { id });

describe('createProxySnapshots', () => {
  it('shares one generated snapshot among replicas of a workload, re-keys streams when the registry changes, and forgets closed streams', async () => {
    let generations = 0;
    const snapshots = createProxySnapshots(pushWith(replica('v1')), { onGenerated: () => { generations++; } });
    const seen = new Map<string, XdsSnapshot>();
    const stops = [
      snapshots.watch(node('sidecar~10.244.0.21~reviews-v1-0.default~default.svc.cluster.local'), (s) => seen.set('a', s)),
      snapshots.watch(node('sidecar~10.244.0.24~reviews-v1-1.default~default.svc.cluster.local'), (s) => seen.set('b', s)),
      snapshots.watch(node('sidecar~10.244.0.10~productpage-v1-0.default~default.svc.cluster.local'), (s) => seen.set('c', s)),
    ];
    expect(snapshots.viewCount()).toBe(2);
    expect(generations).toBe(2);
    expect(seen.get('a')).toBe(seen.get('b'));
    expect(seen.get('c')).not.toBe(seen.get('a'));

    // The replica is relabelled v2: its workload labels differ now, so it gets its own view.
    await snapshots.setPush(pushWith(replica('v2')));
    expect(snapshots.viewCount()).toBe(3);
    expect(seen.get('a')).not.toBe(seen.get('b'));
    expect(snapshots.resourcesFor('reviews-v1-1.default')?.proxy.ip).toBe('10.244.0.24');

    for (const stop of stops) stop();
    expect(snapshots.viewCount()).toBe(0);
    expect(snapshots.resourcesFor('reviews-v1-1.default')).toBeUndefined();
  });
});
