/*
 * The 503 a write gets when the store is full (RecordOutcome 'full'): it names the limit,
 * the variable that raises it, and the way to free places, so an operator can act on it.
 */
import { HttpError } from './errors';

export const MAX_HOSTS_VARIABLE = 'SERVERTRACK_MAX_HOSTS';

function remedy(): string {
  return `raise ${MAX_HOSTS_VARIABLE} or DELETE /perf/{host} for hosts no longer needed`;
}

/** For one sample of a host the store does not hold yet. */
export function hostLimitReached(maxHosts: number): HttpError {
  return new HttpError(503, `host limit reached: ${maxHosts} hosts are tracked (${MAX_HOSTS_VARIABLE}); ${remedy()}`);
}

/** For a bulk request whose new hosts do not all fit; none of its samples was recorded. */
export function batchOverHostLimit(maxHosts: number): HttpError {
  return new HttpError(
    503,
    `this request would track more than ${maxHosts} hosts (${MAX_HOSTS_VARIABLE}); none was recorded; ${remedy()}`,
  );
}
