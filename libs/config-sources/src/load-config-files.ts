import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatOrigin, type ConfigObject, type ConfigOrigin, type ConfigProblem } from '@minipilot/config';
import { readYamlFile, type LoadedFile } from './read-yaml-file.js';
import { resolveServedObjects } from './resolve-objects.js';
import { withCrossResourceChecks } from './analyze-served.js';
import { isVanished, walkYamlTree } from './yaml-tree.js';

/** What {@link loadConfigFiles} read. */
export interface LoadedConfig {
  /**
   * The objects to use: valid, one per key, in path order. One rule everywhere, the file source's:
   * the last definition wins, within a directory (sorted path order) and across paths (a later `-f`
   * replaces an earlier one's object of the same key), as `kubectl apply -f a -f b` would.
   */
  readonly objects: readonly ConfigObject[];
  /** Every problem, errors and warnings (duplicates included), in file order. */
  readonly problems: readonly ConfigProblem[];
  /** Files with a YAML syntax error or that could not be read; nothing from them is used. */
  readonly syntaxErrors: readonly string[];
  /** Paths given that do not exist (a directory that cannot be read is a problem instead). */
  readonly missing: readonly string[];
  /** Objects of kinds minipilot does not read (Sidecar, HTTPRoute, Deployment...), where they were found. */
  readonly ignored: readonly IgnoredObject[];
}

/** An object of a kind minipilot does not read, skipped. */
export interface IgnoredObject {
  readonly kind: string;
  readonly apiVersion: string;
  readonly name: string;
  readonly namespace?: string;
  readonly origin?: ConfigOrigin;
}

/** Options of {@link loadConfigFiles}. */
export interface LoadConfigFilesOptions {
  /**
   * Run the cross-resource checks and withhold what fails them, as the server does (default true);
   * false checks each resource on its own, as `istioctl validate` does.
   */
  readonly crossResourceChecks?: boolean;
}

/**
 * Reads config once, for the CLI's `-f PATH`: each path is a file (read whatever its extension) or a
 * directory (every `*.yaml`/`*.yml` below it, dot-dirs and node_modules skipped, in sorted order).
 * Files are named as given (`dir/sub/x.yaml`) in origins and problems. The rules are the file
 * source's, with nothing served before: invalid objects and files with syntax errors are skipped.
 */
export function loadConfigFiles(paths: readonly string[], options: LoadConfigFilesOptions = {}): LoadedConfig {
  const groups: LoadedFile[][] = [];
  const missing: string[] = [];
  const seen = new Set<string>();
  const read = (group: LoadedFile[], abs: string, file: string): void => {
    if (seen.has(abs)) return;
    seen.add(abs);
    const result = readYamlFile(abs, file);
    if (result) group.push(result);
    else missing.push(file);
  };
  const unreadable: ConfigProblem[] = [];
  for (const p of paths) {
    const group: LoadedFile[] = [];
    groups.push(group);
    try {
      if (!fs.statSync(p).isDirectory()) {
        read(group, path.resolve(p), p);
        continue;
      }
      const tree = walkYamlTree(p);
      for (const [rel, message] of tree.unreadable) unreadable.push({ severity: 'error', message: `cannot read directory: ${message}`, origin: { file: path.join(p, rel) } });
      for (const rel of tree.files.keys()) read(group, path.resolve(p, rel), path.join(p, rel));
    } catch (error) {
      if (isVanished(error)) missing.push(p);
      else unreadable.push({ severity: 'error', message: `cannot read: ${(error as Error).message}`, origin: { file: p } });
    }
  }
  const objects = new Map<string, ConfigObject>();
  const problems: ConfigProblem[] = [...unreadable];
  for (const group of groups) {
    const part = resolveServedObjects(group, new Map(), false);
    problems.push(...part.problems);
    for (const [key, o] of part.objects) {
      const earlier = objects.get(key);
      if (earlier) {
        objects.delete(key);
        const where = earlier.origin?.file ? ` from ${formatOrigin(earlier.origin)}` : '';
        problems.push({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name, severity: 'warning', message: `replaces the object${where} (a later -f wins)`, ...(o.origin ? { origin: o.origin } : {}) });
      }
      objects.set(key, o);
    }
  }
  const merged = { objects, problems };
  const resolved = options.crossResourceChecks ?? true ? withCrossResourceChecks(merged) : merged;
  const loaded = groups.flat();
  return {
    objects: [...resolved.objects.values()],
    problems: resolved.problems,
    syntaxErrors: loaded.filter((f) => f.result.syntaxError).map((f) => f.file),
    missing,
    ignored: loaded.flatMap((f) => f.result.results.flatMap((r) => (r.ignored ? [r.ignored] : []))),
  };
}
