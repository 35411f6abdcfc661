import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A scratch directory for file-source tests, created under the OS temp dir. */
export interface TempTree {
  readonly dir: string;
  /** Writes `text` to `rel`, creating parent directories. */
  write(rel: string, text: string): void;
  remove(rel: string): void;
  /** Deletes the whole directory. */
  cleanup(): void;
}

/** Creates an empty {@link TempTree}. */
export function createTempTree(): TempTree {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minipilot-config-'));
  return {
    dir,
    write(rel, text) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    },
    remove: (rel) => fs.rmSync(path.join(dir, rel), { recursive: true, force: true }),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** A VirtualService document routing `host` (namespace `default` unless given). */
export function virtualService(name: string, host: string, namespace = 'default'): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  hosts: [${host}]
  http:
  - route: [{destination: {host: ${host}}}]
`;
}

/** A DestinationRule document for `host` with the given subsets. */
export function destinationRule(name: string, host: string, subsets: readonly string[] = ['v1']): string {
  return `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${name}}
spec:
  host: ${host}
  subsets:
${subsets.map((s) => `  - {name: ${s}, labels: {version: ${s}}}`).join('\n')}
`;
}

/** Joins documents into one multi-document YAML text. */
export function documents(...docs: readonly string[]): string {
  return docs.join('---\n');
}
