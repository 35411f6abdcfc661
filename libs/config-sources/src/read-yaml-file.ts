import * as fs from 'node:fs';
import { loadYaml, loadYamlSteps, type LoadResult } from '@minipilot/config';
import { runSliced } from './sliced.js';
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
    return unreadable(error, file);
  }
  return { file, text, result: loadYaml(text, file) };
}

/**
 * The file source's reader: like {@link readYamlFile}, but reads without blocking and loads one
 * document at a time with event-loop turns in between, so a large file never stalls serving.
 */
export async function readYamlFileAsync(absPath: string, file: string): Promise<LoadedFile | undefined> {
  let text: string;
  try {
    text = await fs.promises.readFile(absPath, 'utf8');
  } catch (error) {
    return unreadable(error, file);
  }
  return { file, text, result: await runSliced(loadYamlSteps(text, file)) };
}

/** A file that vanished is undefined; any other read error makes the file a syntax error (nothing in it is used). */
function unreadable(error: unknown, file: string): LoadedFile | undefined {
  if (isVanished(error)) return undefined;
  const message = `cannot read file: ${(error as Error).message}`;
  const result: LoadResult = { objects: [], results: [], syntaxError: true, problems: [{ severity: 'error', message, origin: { file } }] };
  return { file, result };
}
