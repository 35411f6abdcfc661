import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadYaml, createConfigSnapshot, type ConfigObject, type MeshConfig } from '@minipilot/config';
import { buildPushContext, type PushContext } from '../model/push-context.js';

/** The repository root, for tests that read ../shared or apps/discovery/lab. */
export const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** Loads every YAML file of a directory (or the given files), failing loudly on any problem. */
export function loadObjects(...paths: string[]): ConfigObject[] {
  const files = paths.flatMap((p) => (fs.statSync(p).isDirectory() ? fs.readdirSync(p).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(p, f)) : [p]));
  return files.flatMap((f) => {
    const r = loadYaml(fs.readFileSync(f, 'utf8'), path.basename(f));
    const errors = r.problems.filter((x) => x.severity === 'error');
    if (errors.length > 0) throw new Error(`${f}: ${errors.map((e) => e.message).join('; ')}`);
    return [...r.objects];
  });
}

/** The embedded lab config (apps/discovery/lab) plus extra YAML, with later objects replacing earlier ones of the same key. */
export function labPush(extraYaml = '', mesh?: MeshConfig): PushContext {
  const objs = loadObjects(path.join(REPO_ROOT, 'apps/discovery/lab'));
  const extra = extraYaml ? loadYaml(extraYaml).objects : [];
  const key = (o: ConfigObject) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
  const replaced = new Set(extra.map(key));
  return buildPushContext(createConfigSnapshot([...extra, ...objs.filter((o) => !replaced.has(key(o)))]), mesh);
}
