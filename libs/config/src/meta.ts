import { z } from 'zod';
import { stringMap } from './schema-helpers.js';

/** Kubernetes ObjectMeta as minipilot reads it. */
export const ObjectMetaSchema = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().optional(),
  labels: stringMap.nullish(),
  annotations: stringMap.nullish(),
  creationTimestamp: z.union([z.string(), z.date()]).nullish(),
  resourceVersion: z.string().optional(),
  generation: z.number().optional(),
  uid: z.string().optional(),
});

/** Normalized object metadata: namespace defaulted, maps never undefined. */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** RFC 3339 creation time when the YAML or API server gave one (istiod orders VirtualServices by it). */
  readonly creationTimestamp?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
}

/** Where an object was read from: a file and document index (0-based), or a Kubernetes API. */
export interface ConfigOrigin {
  readonly file?: string;
  /** 0-based index of the YAML document in the file. */
  readonly doc?: number;
  /** 1-based line where the object starts in the file (its document's first content line, or its item's in a `kind: List`). */
  readonly line?: number;
  readonly source?: string;
}
