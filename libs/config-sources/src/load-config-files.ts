import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConfigObject, ConfigProblem } from '@minipilot/config';
import { readYamlFile, type LoadedFile } from './read-yaml-file.js';
import { resolveServedObjects } from './resolve-objects.js';
import { isVanished, walkYamlTree } from './yaml-tree.js';

/** What {@link loadConfigFiles} read. */
export interface LoadedConfig {
  /** The objects to use: valid, one per key (the first in path order wins), in file order. */
  readonly objects: readonly ConfigObject[];
  /** Every problem, errors and warnings (duplicates included), in file order. */
  readonly problems: readonly ConfigProblem[];
  /** Files with a YAML syntax error or that could not be read; nothing from them is used. */
  readonly syntaxErrors: readonly string[];
  /** Paths given that do not exist (a directory that cannot be read is a problem instead). */
  readonly missing: readonly string[];
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
  const loaded: LoadedFile[] = [];
  const missing: string[] = [];
  const seen = new Set<string>();
  const read = (abs: string, file: string): void => {
    if (seen.has(abs)) return;
    seen.add(abs);
    const result = readYamlFile(abs, file);
    if (result) loaded.push(result);
    else missing.push(file);
  };
  const unreadable: ConfigProblem[] = [];
  for (const p of paths) {
    try {
      if (!fs.statSync(p).isDirectory()) {
        read(path.resolve(p), p);
        continue;
      }
      for (const rel of walkYamlTree(p).files.keys()) read(path.resolve(p, rel), path.join(p, rel));
    } catch (error) {
      if (isVanished(error)) missing.push(p);
      else unreadable.push({ severity: 'error', message: `cannot read: ${(error as Error).message}`, origin: { file: p } });
    }
  }
  const resolved = resolveServedObjects(loaded, new Map(), options.crossResourceChecks ?? true);
  return {
    objects: [...resolved.objects.values()],
    problems: [...unreadable, ...resolved.problems],
    syntaxErrors: loaded.filter((f) => f.result.syntaxError).map((f) => f.file),
    missing,
  };
}
