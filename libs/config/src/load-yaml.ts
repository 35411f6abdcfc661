import { isMap, isSeq, parseAllDocuments, type Document } from 'yaml';
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
 * Reads multi-document YAML text into typed config objects. This is the one loader shared by the
 * discovery server's file source and the CLI. A `kind: List` document is expanded into its items.
 * Syntax errors are reported with line and column; a broken document never hides the others.
 */
export function loadYaml(text: string, file?: string): LoadResult {
  const objects: ConfigObject[] = [];
  const problems: ConfigProblem[] = [];
  const results: ParseResult[] = [];
  let syntaxError = false;
  const docs = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true }) as Document[] | { errors: unknown[] };
  if (!Array.isArray(docs)) {
    return { objects, problems: [{ severity: 'error', stage: 'syntax', message: 'not a YAML stream', ...(file ? { origin: { file } } : {}) }], results, syntaxError: true };
  }
  const lineOf = createLineIndex(text);
  docs.forEach((doc, index) => {
    // The object's line: where the document's content starts (after `---`, comments and directives).
    const start = doc.contents?.range?.[0] ?? doc.range?.[0];
    const originAt = (offset: number | undefined) => ({ ...(file !== undefined ? { file } : {}), doc: index, ...(offset !== undefined ? { line: lineOf(offset) } : {}) });
    const origin = originAt(start);
    if (doc.errors.length > 0) {
      syntaxError = true;
      for (const e of doc.errors) {
        const pos = e.linePos?.[0];
        const where = pos ? `line ${pos.line}, column ${pos.col}: ` : '';
        problems.push({ severity: 'error', stage: 'syntax', message: `YAML syntax error: ${where}${firstLine(e.message)}`, origin });
      }
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // An alias to no anchor, or too many aliases (a "billion laughs" document): unreadable, never a crash.
      syntaxError = true;
      problems.push({ severity: 'error', stage: 'syntax', message: `YAML error: ${firstLine((error as Error).message)}`, origin });
      return;
    }
    if (value === null || value === undefined) return;
    const list = isList(value);
    const items = list ? (value as { items: unknown[] }).items : [value];
    const itemNodes = list && isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
    items.forEach((item, i) => {
      // A `kind: List` item is placed at its own line.
      const itemStart = isSeq(itemNodes) ? (itemNodes.items[i] as { range?: [number, number, number] } | undefined)?.range?.[0] : undefined;
      const result = parseConfigObject(item, itemStart !== undefined ? originAt(itemStart) : origin);
      results.push(result);
      problems.push(...result.problems);
      if (result.object) objects.push(result.object);
    });
  });
  return { objects, problems, results, syntaxError };
}

function isList(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as Record<string, unknown>)['kind'] === 'List' && Array.isArray((v as Record<string, unknown>)['items']);
}

/** Returns a function mapping a character offset in `text` to its 1-based line (binary search over the line starts). */
function createLineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
