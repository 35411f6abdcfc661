import * as fs from 'node:fs';
import { formatProblem, parseMeshConfig, type MeshConfig } from '@minipilot/config';
import type { AppLogger } from './logger.js';

/** Options of {@link watchMeshFile}. */
export interface MeshFileWatchOptions {
  /** The `--mesh` file (in a pod: the `istio` ConfigMap's `mesh` key, mounted at /etc/istio/config/mesh). */
  readonly file: string;
  /** The mesh config in force when watching starts (read from `file` at start-up). */
  readonly initial: MeshConfig;
  /** Called with each new valid mesh config whose content differs from the one in force. */
  readonly onChange: (mesh: MeshConfig, changedFields: readonly string[]) => void;
  readonly logger: AppLogger;
  /** How often the file is checked (default 1 s; kubelet refreshes a mounted ConfigMap within about a minute). */
  readonly intervalMs?: number;
}

/** A running watch of the mesh config file. */
export interface MeshFileWatch {
  /** The mesh config in force (the last valid version of the file). */
  current(): MeshConfig;
  stop(): void;
}

/**
 * Watches the mesh config file and applies edits without a restart, as istiod's mesh watcher does
 * for its mounted `istio` ConfigMap. The file is polled with `fs.watchFile` (stat, following
 * symlinks), which also sees kubelet's atomic `..data` symlink swap of a ConfigMap volume. An edit
 * that does not parse or validate is logged with each problem and ignored: the last valid mesh
 * config stays in force. A deleted file keeps the last one too.
 */
export function watchMeshFile(o: MeshFileWatchOptions): MeshFileWatch {
  const log = o.logger.child({ scope: 'mesh' });
  let mesh = o.initial;
  let lastText = readText(o.file);
  const check = (): void => {
    const text = readText(o.file);
    if (text === undefined || text === lastText) return;
    lastText = text;
    const r = parseMeshConfig(text, o.file);
    for (const p of r.problems) log.error({ file: o.file }, formatProblem(p));
    if (r.problems.some((p) => p.severity === 'error')) {
      log.error({ file: o.file }, 'mesh config edit is invalid: keeping the mesh config in force');
      return;
    }
    const changed = changedFields(mesh, r.mesh);
    if (changed.length === 0) return;
    mesh = r.mesh;
    log.info({ file: o.file, changed }, `mesh config changed (${changed.join(', ')}): pushing to every proxy`);
    o.onChange(mesh, changed);
  };
  const listener = (): void => {
    try {
      check();
    } catch (err) {
      log.error({ err, file: o.file }, 'reading the mesh config failed');
    }
  };
  fs.watchFile(o.file, { interval: o.intervalMs ?? 1000, persistent: false }, listener);
  return {
    current: () => mesh,
    stop: () => fs.unwatchFile(o.file, listener),
  };
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Top-level MeshConfig fields whose values differ (compared as JSON). */
function changedFields(a: MeshConfig, b: MeshConfig): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  const record = (m: MeshConfig): Record<string, unknown> => m as unknown as Record<string, unknown>;
  return [...keys].filter((k) => JSON.stringify(record(a)[k]) !== JSON.stringify(record(b)[k])).sort();
}
