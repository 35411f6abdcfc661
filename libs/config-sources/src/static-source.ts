import type { ConfigObject, ConfigProblem } from '@minipilot/config';
import type { ConfigSource, ConfigSourceUpdate } from './config-source.js';
import { createUpdate } from './create-update.js';
import { pickLastByKey } from './resolve-objects.js';

/** Fixed config for {@link createStaticSource}: objects (duplicates are reported) and known problems. */
export interface StaticConfig {
  readonly objects: Iterable<ConfigObject>;
  readonly problems?: readonly ConfigProblem[];
}

/**
 * Creates a source that serves fixed config and never changes: for tests and the CLI. Given objects,
 * the last of each key wins and each replaced one is reported as a duplicate; given an update, it is
 * served as is.
 */
export function createStaticSource(config: StaticConfig | ConfigSourceUpdate): ConfigSource {
  let update: ConfigSourceUpdate;
  if ('snapshot' in config) {
    update = config;
  } else {
    const picked = pickLastByKey(config.objects);
    update = createUpdate(picked.objects, [...(config.problems ?? []), ...picked.problems], new Set(picked.objects.keys()));
  }
  let started = false;
  return {
    start() {
      started = true;
      return Promise.resolve(update);
    },
    onUpdate: () => () => {},
    current: () => (started ? update : undefined),
    stop: () => Promise.resolve(),
  };
}
