import { createFileSource, type FileSourceOptions } from '../file-source.js';
import type { ConfigSource } from '../config-source.js';
import { createRecordingLogger } from './recording-logger.js';
import { createTempTree, type TempTree } from './temp-tree.js';

/** A temp directory and a file source over it, made fresh for each test and stopped after it. */
export interface FileSourceFixture {
  /** The current test's directory. */
  readonly tree: TempTree;
  /** Records what the source logs (cleared before each test). */
  readonly logger: ReturnType<typeof createRecordingLogger>;
  /** Creates the source (quick debounce and rescan, plus `extra` options); it is stopped after the test. */
  startSource(extra?: Partial<FileSourceOptions>): ConfigSource;
  /** The hosts of the served VirtualService `default/<name>`, if served. */
  hostsOf(s: ConfigSource, name: string): readonly string[] | undefined;
}

/** Registers beforeEach/afterEach hooks that give every test of the enclosing describe a fresh tree and source. */
export function useFileSourceFixture(): FileSourceFixture {
  let tree: TempTree | undefined;
  let source: ConfigSource | undefined;
  const logger = createRecordingLogger();
  beforeEach(() => {
    tree = createTempTree();
    logger.entries.length = 0;
  });
  afterEach(async () => {
    await source?.stop();
    source = undefined;
    tree?.cleanup();
  });
  return {
    get tree() { return tree!; },
    logger,
    startSource: (extra = {}) => (source = createFileSource({ dir: tree!.dir, debounceMs: 30, rescanMs: 100, logger, ...extra })),
    hostsOf: (s, name) => s.current()!.snapshot.get('VirtualService', 'default', name)?.spec.hosts,
  };
}
