import { HttpError } from './http-error.js';

/** A window on a list: `?offset=` items skipped, at most `?limit=` kept. */
export interface Page {
  readonly offset: number;
  readonly limit: number | undefined;
}

function count(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null) return undefined;
  if (!/^\d{1,9}$/.test(raw)) throw new HttpError(400, `?${name}= must be a non-negative integer, got ${JSON.stringify(raw.slice(0, 40))}`);
  return Number(raw);
}

/** Reads `?limit=&offset=`; undefined when neither is given. Throws a 400 {@link HttpError} for a bad value. */
export function parsePage(params: URLSearchParams): Page | undefined {
  const limit = count(params, 'limit');
  const offset = count(params, 'offset');
  if (limit === undefined && offset === undefined) return undefined;
  return { offset: offset ?? 0, limit };
}

function slice(list: readonly unknown[], page: Page): unknown[] {
  return list.slice(page.offset, page.limit === undefined ? undefined : page.offset + page.limit);
}

/**
 * Applies a page to a debug body: a list is sliced; an object has each of its list members sliced
 * (e.g. `/debug/configz` objects and problems). Anything else is returned as is.
 */
export function paginate(body: unknown, page: Page | undefined): unknown {
  if (!page) return body;
  if (Array.isArray(body)) return slice(body, page);
  if (typeof body !== 'object' || body === null || Object.getPrototypeOf(body) !== Object.prototype) return body;
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, Array.isArray(v) ? slice(v, page) : v]));
}
