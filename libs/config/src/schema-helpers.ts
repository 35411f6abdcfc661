import { z } from 'zod';
import { isDuration } from './duration.js';

/** Converts `snake_case` to `camelCase` (`max_connections` -> `maxConnections`). */
export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * An Istio API message: a strict object whose fields may be written camelCase or snake_case, as
 * protobuf JSON allows (Istio's CRDs accept both). Unknown fields are reported by the parser as
 * warnings, wrong types as errors. Keys of user maps (labels, headers) are never renamed: only
 * the message's own field names are.
 */
export function message<S extends z.ZodRawShape>(shape: S) {
  const known = new Set(Object.keys(shape));
  return z.preprocess((value) => normalizeFieldNames(value, known), z.strictObject(shape));
}

function normalizeFieldNames(value: unknown, known: ReadonlySet<string>): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const input = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(input)) {
    if (known.has(key) || !key.includes('_')) continue;
    const camel = snakeToCamel(key);
    if (!known.has(camel) || camel in input) continue;
    out ??= { ...input };
    out[camel] = out[key];
    delete out[key];
  }
  return out ?? value;
}

/** A string-keyed map of strings (labels, selectors). */
export const stringMap = z.record(z.string(), z.string());

/** A port number as Istio accepts it (an integer; range checks are validation's job). */
export const int = z.number().int();

/** A protobuf Duration in JSON form (`"1.5s"`); Go-style forms (`1m`, `500ms`) are accepted here and checked by validation. */
export const duration = z.string().refine(isDuration, { message: "invalid duration (expected Go syntax such as 1s, 500ms, 1m30s)" });

/** An enum field: protobuf JSON accepts the value name. */
export function enumOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values);
}
