import { Composer, isMap, isSeq, LineCounter, Parser, type Document } from 'yaml';
import { parseConfigObject, type ParseResult } from './parse-object.js';
import type { ConfigObject } from './kinds.js';
import type { ConfigProblem } from './problem.js';

/** What one YAML file (or string) held. */
export interface LoadResult {
  /** Objects without errors, in file order. */
  readonly objects: readonly ConfigObject[];
  /** Every problem, with file and document index. */
  readonly problems: readonly ConfigProblem[];
  /** Per-object results, including rejected objects' keys (for last-good-version bookkeeping). */
  readonly results: readonly ParseResult[];
  /** True when the text is not valid YAML (some documents could not be read at all). */
  readonly syntaxError: boolean;
}

/**
 * What a file may hold before it is rejected whole, with an error naming the file (see the README's
 * limits table). Past these, parsing alone would stall the server for seconds.
 */
export interface LoadLimits {
  /** Largest file, in characters (default 8 MiB: Kubernetes caps one object at 1.5 MiB in etcd). */
  readonly maxFileLength: number;
  /** Most objects in one file, `kind: List` items included (default 10,000). */
  readonly maxObjectsPerFile: number;
}

/** The defaults of {@link LoadLimits}. */
export const DEFAULT_LOAD_LIMITS: LoadLimits = Object.freeze({ maxFileLength: 8 * 1024 * 1024, maxObjectsPerFile: 10_000 });

/**
 * Reads multi-document YAML text into typed config objects. This is the one loader shared by the
 * discovery server's file source and the CLI. A `kind: List` document is expanded into its items.
 * Syntax errors are reported with line and column; a broken document never hides the others.
 * A file over {@link LoadLimits} is rejected whole (a syntax error: nothing in it is used).
 */
export function loadYaml(text: string, file?: string, limits: LoadLimits = DEFAULT_LOAD_LIMITS): LoadResult {
  const steps = loadYamlSteps(text, file, limits);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * {@link loadYaml} one document at a time: the generator yields after each document and returns the
 * result, so a caller can give the event loop a turn between documents of a large file.
 */
export function* loadYamlSteps(text: string, file?: string, limits: LoadLimits = DEFAULT_LOAD_LIMITS): Generator<void, LoadResult> {
  const objects: ConfigObject[] = [];
  const problems: ConfigProblem[] = [];
  const results: ParseResult[] = [];
  const fileOrigin = file !== undefined ? { origin: { file } } : {};
  const reject = (message: string): LoadResult => ({ objects: [], results: [], syntaxError: true, problems: [{ severity: 'error', stage: 'syntax', message, ...fileOrigin }] });
  if (text.length > limits.maxFileLength) {
    return reject(`file is ${text.length} characters, more than the limit of ${limits.maxFileLength}; split it into smaller files`);
  }
  let syntaxError = false;
  let count = 0;
  const lines = new LineCounter();
  const composer = new Composer({ prettyErrors: true, uniqueKeys: true });
  let index = 0;
  for (const doc of composer.compose(new Parser(lines.addNewLine).parse(text), true) as Iterable<Document>) {
    const docIndex = index++;
    // The object's line: where the document's content starts (after `---`, comments and directives).
    const start = doc.contents?.range?.[0] ?? doc.range?.[0];
    const originAt = (offset: number | undefined) => ({ ...(file !== undefined ? { file } : {}), doc: docIndex, ...(offset !== undefined ? { line: lines.linePos(offset).line } : {}) });
    const origin = originAt(start);
    if (doc.errors.length > 0) {
      syntaxError = true;
      for (const e of doc.errors) {
        const pos = e.pos[0] >= 0 ? lines.linePos(e.pos[0]) : undefined;
        const where = pos ? `line ${pos.line}, column ${pos.col}: ` : '';
        problems.push({ severity: 'error', stage: 'syntax', message: `YAML syntax error: ${where}${firstLine(e.message)}`, origin });
      }
      yield;
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // An alias to no anchor, or too many aliases (a "billion laughs" document): unreadable, never a crash.
      syntaxError = true;
      problems.push({ severity: 'error', stage: 'syntax', message: `YAML error: ${firstLine((error as Error).message)}`, origin });
      yield;
      continue;
    }
    if (value === null || value === undefined) continue;
    const list = isList(value);
    const items = list ? (value as { items: unknown[] }).items : [value];
    count += items.length;
    if (count > limits.maxObjectsPerFile) {
      return reject(`file has more than ${limits.maxObjectsPerFile} objects; split it into smaller files`);
    }
    const itemNodes = list && isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
    items.forEach((item, i) => {
      // A `kind: List` item is placed at its own line.
      const itemStart = isSeq(itemNodes) ? (itemNodes.items[i] as { range?: [number, number, number] } | undefined)?.range?.[0] : undefined;
      const result = parseConfigObject(item, itemStart !== undefined ? originAt(itemStart) : origin);
      results.push(result);
      problems.push(...result.problems);
      if (result.object) objects.push(result.object);
    });
    yield;
  }
  return { objects, problems, results, syntaxError };
}

function isList(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as Record<string, unknown>)['kind'] === 'List' && Array.isArray((v as Record<string, unknown>)['items']);
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
