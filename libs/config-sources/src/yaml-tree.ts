import * as fs from 'node:fs';
import * as path from 'node:path';

/** What a rescan compares to notice a changed file without reading it. */
export interface FileStamp {
  readonly mtimeMs: number;
  readonly size: number;
  /** Catches an atomic replace (rename over, ConfigMap symlink swap) that keeps mtime and size. */
  readonly ino: number;
}

/** The YAML files and directories under a root, as {@link walkYamlTree} found them. */
export interface YamlTree {
  /** Files by path relative to the root (`/`-separated), in sorted path order. */
  readonly files: ReadonlyMap<string, FileStamp>;
  /** Directories by path relative to the root (`''` is the root itself), with their inode. */
  readonly dirs: ReadonlyMap<string, number>;
  /** Subdirectories that could not be listed (e.g. EACCES), by relative path, with the error: skipped. */
  readonly unreadable: ReadonlyMap<string, string>;
  /** YAML-named symlinks that lead nowhere (dangling, or a loop), by relative path, with why: skipped. */
  readonly brokenLinks: ReadonlyMap<string, string>;
}

/** True for the names the file source serves: `*.yaml` and `*.yml`. */
export function isYamlFile(name: string): boolean {
  return /\.ya?ml$/i.test(name);
}

/** True for directories that are never read: dot-dirs (`.git`, ConfigMap's `..data`) and `node_modules`. */
export function isSkippedDir(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}

/** True when two stamps describe the same file content as far as stat can tell. */
export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.mtimeMs === b.mtimeMs && a.size === b.size && a.ino === b.ino;
}

/**
 * Lists every `*.yaml`/`*.yml` file under `root`, recursively, skipping dot-dirs and `node_modules`.
 * Symlinked files are followed (a mounted ConfigMap is a set of symlinks); symlinked directories are
 * not, so a link cycle cannot loop. A subdirectory that cannot be listed is skipped and reported in
 * `unreadable`, a dangling or looping symlink in `brokenLinks`. Throws when `root` itself cannot be read.
 *
 * NOTE: synchronous on purpose: config trees are small, a reload then cannot interleave with another,
 * and the CLI's one-shot loader shares this code.
 */
/** Lists a directory with file types (fs.readdirSync by default; tests inject faults here). */
export type ListDir = (absPath: string) => fs.Dirent[];

const listDirSync: ListDir = (p) => fs.readdirSync(p, { withFileTypes: true });

export function walkYamlTree(root: string, listDir: ListDir = listDirSync): YamlTree {
  const files: [string, FileStamp][] = [];
  const dirs = new Map<string, number>([['', fs.statSync(root).ino]]);
  const unreadable = new Map<string, string>();
  const brokenLinks = new Map<string, string>();
  const visit = (rel: string, isRoot: boolean): void => {
    let entries: fs.Dirent[];
    try {
      entries = listDir(path.join(root, rel));
    } catch (error) {
      if (isRoot) throw error;
      if (!isVanished(error)) unreadable.set(rel, (error as Error).message);
      return; // removed while walking: the next scan sees the final state
    }
    for (const entry of entries) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (isSkippedDir(entry.name)) continue;
        const ino = statOrUndefined(path.join(root, child))?.ino;
        if (ino === undefined) continue;
        dirs.set(child, ino);
        visit(child, false);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && isYamlFile(entry.name)) {
        const stat = entry.isSymbolicLink() ? linkTarget(path.join(root, child), (why) => brokenLinks.set(child, why)) : statOrUndefined(path.join(root, child));
        if (stat?.isFile()) files.push([child, { mtimeMs: stat.mtimeMs, size: stat.size, ino: stat.ino }]);
      }
    }
  };
  visit('', true);
  files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { files: new Map(files), dirs, unreadable, brokenLinks };
}

/** Stats what a symlink points to; a dangling or looping link is reported through `broken`. */
function linkTarget(p: string, broken: (why: string) => void): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') broken('symlink loop');
    else if (code === 'ENOENT' || code === 'ENOTDIR') broken('dangling symlink');
    else throw error;
    return undefined;
  }
}

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch (error) {
    if (isVanished(error)) return undefined;
    throw error;
  }
}

/** True for the errors of a path with nothing behind it: removed since listed, or a dangling or looping symlink. */
export function isVanished(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP';
}
