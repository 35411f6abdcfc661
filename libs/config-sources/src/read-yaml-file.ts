import * as fs from 'node:fs';
import { loadYaml, type LoadResult } from '@minipilot/config';
import { isVanished } from './yaml-tree.js';

/** One file's text and what `loadYaml` made of it. */
export interface LoadedFile {
  /** The path objects and problems name (relative to the served directory, or as given to the CLI). */
  readonly file: string;
  /** The text read; undefined when the file could not be read. */
  readonly text?: string;
  /** The load result; a file that cannot be read counts as a syntax error (nothing in it can be trusted). */
  readonly result: LoadResult;
}

/**
 * Reads `absPath` and loads it with the shared `loadYaml`, naming it `file` in origins and problems.
 * Returns undefined when the file no longer exists; any other read error becomes a problem.
 */
export function readYamlFile(absPath: string, file: string): LoadedFile | undefined {
  let text: string;
  try {
    text = fs.readFileSync(absPath, 'utf8');
  } catch (error) {
    if (isVanished(error)) return undefined;
    const message = `cannot read file: ${(error as Error).message}`;
    return { file, result: { objects: [], results: [], syntaxError: true, problems: [{ severity: 'error', message, origin: { file } }] } };
  }
  return { file, text, result: loadYaml(text, file) };
}
