/**
 * @minipilot/push: the push pipeline between the push context and the xDS server. Generated
 * resources are cached per resource under keys of exactly what they depend on, encoded once, checked
 * once, and shared by every proxy that needs them; config changes regenerate and push only what
 * they touched (see createPushPipeline).
 */
export { createPushPipeline } from './push-pipeline.js';
export type { PushPipeline, PushPipelineOptions, PushPipelineStats, PushSummary } from './push-pipeline.js';
export type { Part, PartHooks } from './part.js';
export { acceptResources } from './accept.js';
export type { Accepted } from './accept.js';
export { createResourceCache } from './resource-cache.js';
export type { ResourceCache, ResourceCacheStats } from './resource-cache.js';
export { encodeResource, encodeSnapshot } from './encode.js';
export { createTypePart } from './type-part.js';
export type { TypePart } from './type-part.js';
