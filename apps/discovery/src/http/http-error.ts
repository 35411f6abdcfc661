/**
 * An error a handler throws to answer with a given status and message instead of 500, e.g. 400 for
 * a bad query parameter or 503 while the config is not loaded yet.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Thrown by debug state that exists only once the first config load completed. */
export function notLoadedYet(): HttpError {
  return new HttpError(503, 'config not loaded yet: the config source is still loading (see /ready)');
}
