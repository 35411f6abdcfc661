import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from './logger.js';

/** A set of `fs.watch` watchers, one per served directory. */
export interface DirWatchers {
  /** Watches exactly `dirs` (relative path to inode): adds new ones, closes removed or replaced ones. */
  sync(dirs: ReadonlyMap<string, number>): void;
  close(): void;
}

/**
 * Creates per-directory watchers under `root`. Each event calls `onEvent` with the path of the entry
 * (relative to `root`, `/`-separated), or undefined when the platform did not name it.
 *
 * NOTE: Node 20 accepts `recursive: true` on Linux, but emulates it in JavaScript by watching every
 * file and every directory, node_modules and dot-dirs included. One watcher per directory we actually
 * serve is cheaper and honours the skip rules; new directories are added by the reload the parent's
 * event triggers, and the periodic rescan catches whatever an event misses.
 */
export function createDirWatchers(root: string, onEvent: (relPath: string | undefined) => void, logger: Logger): DirWatchers {
  const watchers = new Map<string, { ino: number; watcher: fs.FSWatcher }>();
  let closed = false;

  function add(rel: string, ino: number): void {
    let watcher: fs.FSWatcher;
    try {
      watcher = fs.watch(path.join(root, rel), (_event, name) => {
        onEvent(name ? (rel ? `${rel}/${name}` : name) : undefined);
      });
    } catch (error) {
      logger.debug({ dir: rel, err: error }, 'cannot watch directory; the rescan covers it');
      return;
    }
    watcher.on('error', (error) => {
      logger.debug({ dir: rel, err: error }, 'directory watcher failed; the next reload re-creates it');
      remove(rel);
      onEvent(undefined);
    });
    watchers.set(rel, { ino, watcher });
  }

  function remove(rel: string): void {
    watchers.get(rel)?.watcher.close();
    watchers.delete(rel);
  }

  return {
    sync(dirs) {
      if (closed) return;
      for (const [rel, { ino }] of watchers) if (dirs.get(rel) !== ino) remove(rel);
      for (const [rel, ino] of dirs) if (!watchers.has(rel)) add(rel, ino);
    },
    close() {
      closed = true;
      for (const rel of [...watchers.keys()]) remove(rel);
    },
  };
}
