/** True when a @kubernetes/client-node call failed with this HTTP status (an ApiException's `code`). */
export function isHttpStatus(err: unknown, status: number): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === status;
}
