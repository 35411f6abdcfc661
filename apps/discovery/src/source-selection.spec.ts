import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createDiscoveryCommand, selectSource, EMBEDDED_LAB_DIR } from './options.js';

describe('selectSource (--source, --config-dir, --kubeconfig, KUBERNETES_SERVICE_HOST)', () => {
  const inPod = { KUBERNETES_SERVICE_HOST: '10.96.0.1' };
  let home: string;
  beforeAll(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'minipilot-home-'));
  });
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

  it('auto: a config dir wins, then a kubeconfig, then a pod, else the embedded lab', () => {
    expect(selectSource({ source: 'auto', configDir: 'cfg', kubeconfig: '/k' }, inPod)).toEqual({ type: 'file', dir: path.resolve('cfg'), embedded: false });
    expect(selectSource({ source: 'auto', kubeconfig: '/k/config', watchNamespace: 'team-a' }, inPod)).toEqual({ type: 'kubernetes', kubeconfig: '/k/config', watchNamespace: 'team-a' });
    expect(selectSource({ source: 'auto' }, inPod)).toEqual({ type: 'kubernetes', kubeconfig: 'in-cluster' });
    expect(selectSource({ source: 'auto' }, {})).toEqual({ type: 'file', dir: EMBEDDED_LAB_DIR, embedded: true });
  });

  it('uses the first file of a KUBECONFIG list', () => {
    expect(selectSource({ source: 'auto', kubeconfig: ['/a/config', '/b/config'].join(path.delimiter) }, {})).toEqual({ type: 'kubernetes', kubeconfig: '/a/config' });
  });

  it('file: ignores kubeconfigs and pods', () => {
    expect(selectSource({ source: 'file', kubeconfig: '/k' }, inPod)).toEqual({ type: 'file', dir: EMBEDDED_LAB_DIR, embedded: true });
  });

  it('kubernetes: refuses --config-dir, falls back to ~/.kube/config, and says when there is no cluster', () => {
    expect(() => selectSource({ source: 'kubernetes', configDir: 'cfg' }, inPod)).toThrow('--config-dir cannot be combined with --source kubernetes');
    expect(() => selectSource({ source: 'kubernetes' }, { HOME: home })).toThrow(/no --kubeconfig, KUBECONFIG or ~\/\.kube\/config, and not running in a pod/);
    fs.mkdirSync(path.join(home, '.kube'));
    fs.writeFileSync(path.join(home, '.kube', 'config'), 'apiVersion: v1\n');
    expect(selectSource({ source: 'kubernetes' }, { HOME: home })).toEqual({ type: 'kubernetes', kubeconfig: path.join(home, '.kube', 'config') });
  });

  it('documents the choice in --help', () => {
    const help = createDiscoveryCommand(async () => {}).helpInformation().replace(/\s+/g, ' ');
    expect(help).toMatch(/--source <source> .*auto: file if --config-dir is given, kubernetes if a kubeconfig is given or running in a pod/);
    expect(help).toMatch(/--kubeconfig <path> .*env: KUBECONFIG/);
    expect(help).toMatch(/--watch-namespace <namespace>/);
  });
});
