/**
 * @minipilot/config-sources: where config comes from. A watched YAML directory (`createFileSource`),
 * fixed config (`createStaticSource`) and the CLI's one-shot reader (`loadConfigFiles`), all built on
 * the shared `loadYaml` of @minipilot/config, and a Kubernetes API server watched through
 * @kubernetes/client-node (`createKubeSource`). IO: reads the filesystem and the Kubernetes API;
 * translation lives elsewhere.
 */
// Sources
export type { ConfigSource, ConfigSourceUpdate } from './config-source.js';
export { createFileSource } from './file-source.js';
export type { FileSourceOptions } from './file-source.js';
export { createStaticSource } from './static-source.js';
export type { StaticConfig } from './static-source.js';
export { loadConfigFiles } from './load-config-files.js';
export type { LoadedConfig, IgnoredObject } from './load-config-files.js';
export { createKubeSource } from './kube/kube-source.js';
export type { KubeSourceOptions, KubeSourceStatus, KubeConfigSource } from './kube/kube-source.js';
export { loadKubeConfig, describeKubeConfig } from './kube/kube-config.js';
export type { KubeConfigSpec } from './kube/kube-config.js';
export type { BackoffOptions } from './kube/backoff.js';
export { watchedResources } from './kube/watched-resources.js';
export type { WatchedResource } from './kube/watched-resources.js';

// Building blocks, for other sources (the Kubernetes source reuses the debouncer)
export { createDebouncer } from './debouncer.js';
export type { Debouncer, DebouncerOptions } from './debouncer.js';
export { silentLogger } from './logger.js';
export type { Logger } from './logger.js';
