import * as path from 'node:path';
import type { ConfigProblem } from '@minipilot/config';
import type { ConfigSource, ConfigSourceUpdate } from './config-source.js';
import { createDebouncer } from './debouncer.js';
import { createDirWatchers } from './dir-watchers.js';
import { createUpdateListeners } from './update-listeners.js';
import { createServedState } from './served-state.js';
import { silentLogger, type Logger } from './logger.js';
import { readYamlFileAsync, type LoadedFile } from './read-yaml-file.js';
import { resolveServedObjects } from './resolve-objects.js';
import { isYamlFile, sameStamp, walkYamlTree, type FileStamp, type ListDir, type YamlTree } from './yaml-tree.js';

/** Options of {@link createFileSource}. */
export interface FileSourceOptions {
  /** The directory to serve: every `*.yaml`/`*.yml` below it, recursively. */
  readonly dir: string;
  /** Quiet time before a change is applied (istiod's PILOT_DEBOUNCE_AFTER); default 100 ms. */
  readonly debounceMs?: number;
  /** Latest a change is applied after the first one of a burst (PILOT_DEBOUNCE_MAX); default 10 s. */
  readonly maxDelayMs?: number;
  /** Interval of the stat-only rescan that catches events the watchers missed; default 2 s, 0 disables it. */
  readonly rescanMs?: number;
  /** Where problems and reloads are logged; default: nowhere (problems are still in every update). */
  readonly logger?: Logger;
  /** Lists a directory; default fs.readdirSync. Tests inject faults (e.g. EACCES) here. */
  readonly listDir?: ListDir;
}

interface CachedFile extends LoadedFile {
  readonly stamp: FileStamp;
}

const NO_KEYS: ReadonlySet<string> = new Set<string>();

/** How many changed keys the `config loaded` line of a reload names before `and N more`. */
const MAX_LOGGED_KEYS = 10;

/** The files that have at least one error (a syntax error or an invalid object). */
function filesWithErrors(problems: readonly ConfigProblem[]): Set<string> {
  return new Set(problems.flatMap((p) => (p.severity === 'error' && p.origin?.file ? [p.origin.file] : [])));
}

/**
 * Creates a config source that serves a directory of YAML files (multi-document, recursive, dot-dirs
 * and node_modules skipped) and follows its changes. Changes are noticed by per-directory watchers
 * and a periodic stat rescan, debounced ({@link createDebouncer}), re-read with the shared `loadYaml`,
 * and pushed to listeners when the served content changed. Broken files and invalid objects are
 * reported once and skipped; objects that break keep their last good version (see
 * `resolveServedObjects`).
 */
export function createFileSource(options: FileSourceOptions): ConfigSource {
  const root = path.resolve(options.dir);
  const logger = options.logger ?? silentLogger;
  const rescanMs = options.rescanMs ?? 2_000;
  const listeners = createUpdateListeners(logger);
  let files = new Map<string, CachedFile>();
  let dirs: ReadonlyMap<string, number> = new Map();
  const state = createServedState(logger);
  let brokenFiles = new Set<string>();
  let rootError: string | undefined;
  let started: Promise<ConfigSourceUpdate> | undefined;
  let ready = false;
  let stopped = false;
  let rescanTimer: NodeJS.Timeout | undefined;
  /** Directories that could not be listed at the last walk: their files keep their last good version. */
  let unreadableDirs: ReadonlyMap<string, string> = new Map();
  /** What was already logged at info (skipped kinds, broken links), so each is logged once. */
  const noted = new Set<string>();
  /** Reloads run one at a time (start's first load and the debouncer's). */
  let chain: Promise<void> = Promise.resolve();

  const debouncer = createDebouncer<ReadonlySet<string>>({
    quietMs: options.debounceMs ?? 100,
    maxDelayMs: options.maxDelayMs ?? 10_000,
    merge: (a, b) => (b.size === 0 ? a : a.size === 0 ? b : new Set([...a, ...b])),
    release: (hints, waitedMs) => reload(hints, waitedMs),
    onError: (err) => logger.error({ err, dir: root }, 'config reload failed; still serving the previous config'),
  });
  const watchers = createDirWatchers(root, (rel) => debouncer.push(rel !== undefined && isYamlFile(rel) ? new Set([rel]) : NO_KEYS), logger);

  /** Walks the tree; a root that cannot be read keeps the current config and is logged once. */
  function tryWalk(): YamlTree | undefined {
    try {
      const tree = walkYamlTree(root, options.listDir);
      if (rootError !== undefined) logger.info({ dir: root }, 'config directory readable again');
      rootError = undefined;
      return tree;
    } catch (error) {
      const message = (error as Error).message;
      if (message !== rootError) logger.error({ dir: root, err: error }, 'cannot read the config directory; still serving the previous config');
      rootError = message;
      return undefined;
    }
  }

  function serially(work: () => Promise<void>): Promise<void> {
    const run = chain.then(work);
    chain = run.catch(() => {});
    return run;
  }

  function reload(hints: ReadonlySet<string>, waitedMs?: number): Promise<void> {
    return serially(async () => {
      const tree = tryWalk();
      if (tree) await apply(tree, hints, waitedMs);
    });
  }

  /** Logs `message` at info once per `key` (a skipped kind, a broken symlink), naming the file. */
  function noteOnce(key: string, fields: object, message: string): void {
    if (noted.has(key)) return;
    noted.add(key);
    logger.info({ dir: root, ...fields }, message);
  }

  /**
   * Re-reads what changed in `tree` (plus the files watchers named), resolves and publishes. Files
   * are read without blocking, a document at a time; files under a directory that could not be
   * listed keep their last good version.
   */
  async function apply(tree: YamlTree, hints: ReadonlySet<string>, waitedMs?: number): Promise<void> {
    watchers.sync(tree.dirs);
    dirs = tree.dirs;
    unreadableDirs = tree.unreadable;
    for (const [rel, why] of tree.brokenLinks) noteOnce(`link ${rel} ${why}`, { file: rel }, `skipped ${rel}: ${why}`);
    const next = new Map<string, CachedFile>();
    for (const [rel, cached] of files) if (isUnder(rel, tree.unreadable)) next.set(rel, cached);
    for (const [rel, stamp] of tree.files) {
      const cached = files.get(rel);
      if (cached && sameStamp(cached.stamp, stamp) && !hints.has(rel)) {
        next.set(rel, cached);
        continue;
      }
      const loaded = await readYamlFileAsync(path.join(root, rel), rel);
      if (stopped) return;
      if (!loaded) continue;
      for (const r of loaded.result.results) {
        if (r.ignored) noteOnce(`kind ${rel} ${r.ignored.kind} ${r.ignored.name}`, { file: rel, kind: r.ignored.kind, name: r.ignored.name }, `skipped ${r.ignored.kind} ${r.ignored.name} in ${rel}: minipilot does not read ${r.ignored.apiVersion} ${r.ignored.kind}`);
      }
      const unchanged = cached !== undefined && loaded.text !== undefined && loaded.text === cached.text;
      next.set(rel, unchanged ? { ...cached, stamp } : { ...loaded, stamp });
    }
    files = next;
    publish(waitedMs);
  }

  function publish(waitedMs?: number): void {
    const resolved = resolveServedObjects([...files.values()], state.served());
    const dirProblems: ConfigProblem[] = [...unreadableDirs].map(([rel, message]) => ({
      severity: 'error',
      message: `cannot read directory: ${message}; its files keep their last good version, everything else keeps updating`,
      origin: { file: `${rel}/` },
    }));
    const problems = [...dirProblems, ...resolved.problems];
    const change = state.apply(resolved.objects, problems, waitedMs !== undefined ? { debounceMs: waitedMs } : {});
    const broken = filesWithErrors(problems);
    for (const file of brokenFiles) {
      if (!broken.has(file) && files.has(file)) logger.info({ dir: root, file }, `${file} recovered: it is valid again and served`);
    }
    brokenFiles = broken;
    if (change.unchanged) {
      logger.debug({ dir: root }, 'config reloaded: nothing changed');
      return;
    }
    const changed = change.changedKeys.size > 0;
    if (!changed && ready) return; // problem-only change: logged above and in current(), nothing to push
    const errors = problems.filter((p) => p.severity === 'error').length;
    // A reload names what changed (the first load changes everything: counts only).
    const changedKeys = ready ? [...change.changedKeys] : [];
    const shown = changedKeys.slice(0, MAX_LOGGED_KEYS);
    const more = changedKeys.length > shown.length ? ` and ${changedKeys.length - shown.length} more` : '';
    logger.info({ dir: root, objects: state.served().size, changed: change.changedKeys.size, ...(ready ? { changedKeys: shown } : {}), errors }, `config loaded${shown.length ? `: ${shown.join(', ')}${more}` : ''}`);
    if (ready) notify(change.update);
  }

  function notify(update: ConfigSourceUpdate): void {
    listeners.emit(update);
  }

  function scheduleRescan(): void {
    if (!stopped && rescanMs > 0) rescanTimer = setTimeout(rescan, rescanMs);
  }

  function rescan(): void {
    rescanTimer = undefined;
    if (!debouncer.pending()) {
      const tree = tryWalk();
      if (tree && treeDiffers(tree)) {
        logger.debug({ dir: root }, 'rescan found a change the watchers did not report');
        debouncer.push(NO_KEYS);
      }
    }
    scheduleRescan();
  }

  function treeDiffers(tree: YamlTree): boolean {
    if (tree.dirs.size !== dirs.size || tree.unreadable.size !== unreadableDirs.size) return true;
    for (const rel of tree.unreadable.keys()) if (!unreadableDirs.has(rel)) return true;
    if (tree.files.size + [...files.keys()].filter((rel) => isUnder(rel, tree.unreadable)).length !== files.size) return true;
    for (const [rel, stamp] of tree.files) {
      const cached = files.get(rel);
      if (!cached || !sameStamp(cached.stamp, stamp)) return true;
    }
    for (const [rel, ino] of tree.dirs) if (dirs.get(rel) !== ino) return true;
    return false;
  }

  return {
    start() {
      if (stopped) return Promise.reject(new Error('config source stopped'));
      started ??= (async () => {
        let tree: YamlTree;
        try {
          tree = walkYamlTree(root, options.listDir);
        } catch (error) {
          throw new Error(`cannot read config directory ${root}: ${(error as Error).message}`);
        }
        await serially(() => apply(tree, NO_KEYS));
        if (stopped) throw new Error('config source stopped');
        if (state.served().size === 0) logger.warn({ dir: root, files: files.size }, `no Istio or Kubernetes objects found in ${root} (${files.size} YAML file(s)); serving an empty config`);
        ready = true;
        scheduleRescan();
        return state.latest()!;
      })();
      return started;
    },
    onUpdate: (listener) => listeners.add(listener),
    current: () => (ready ? state.latest() : undefined),
    async stop() {
      stopped = true;
      if (rescanTimer !== undefined) clearTimeout(rescanTimer);
      rescanTimer = undefined;
      watchers.close();
      listeners.clear();
      await debouncer.stop();
    },
  };
}

/** True when `rel` lies in one of the `dirs` (relative paths). */
function isUnder(rel: string, dirs: ReadonlyMap<string, string>): boolean {
  for (const dir of dirs.keys()) if (rel.startsWith(`${dir}/`)) return true;
  return false;
}

