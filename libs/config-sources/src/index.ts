/**
 * @minipilot/config-sources: where config comes from. A watched YAML directory (`createFileSource`),
 * fixed config (`createStaticSource`) and the CLI's one-shot reader (`loadConfigFiles`), all built on
 * the shared `loadYaml` of @minipilot/config. IO: reads the filesystem; translation lives elsewhere.
 */
// Sources
export type { ConfigSource, ConfigSourceUpdate } from './config-source.js';
export { createFileSource } from './file-source.js';
export type { FileSourceOptions } from './file-source.js';
export { createStaticSource } from './static-source.js';
export type { StaticConfig } from './static-source.js';
export { loadConfigFiles } from './load-config-files.js';
export type { LoadedConfig } from './load-config-files.js';

// Building blocks, for other sources (the Kubernetes source reuses the debouncer)
export { createDebouncer } from './debouncer.js';
export type { Debouncer, DebouncerOptions } from './debouncer.js';
export { silentLogger } from './logger.js';
export type { Logger } from './logger.js';
