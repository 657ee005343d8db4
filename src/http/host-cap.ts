/*
 * The 503 a write gets when the store is full (RecordOutcome 'full'): it names the limit,
 * the variable that raises it, and the way to free places, so an operator can act on it.
 * The operator learns it too, without asking a client: a warning line at most once a
 * minute while refusals go on, and servertrack_host_limit_rejections_total (metrics.ts).
 */
import { Logger } from '../logger';
import { HttpError } from './errors';

const MAX_HOSTS_VARIABLE = 'SERVERTRACK_MAX_HOSTS';

function remedy(): string {
  return `raise ${MAX_HOSTS_VARIABLE} or DELETE /perf/{host} for hosts no longer needed`;
}

/** For one sample of a host the store does not hold yet. */
export function hostLimitReached(maxHosts: number): HttpError {
  return new HttpError(503, `host limit reached: ${maxHosts} hosts are tracked (${MAX_HOSTS_VARIABLE}); ${remedy()}`);
}

/** While the cap refuses writes, one warning line per this many seconds at most. */
const HOST_LIMIT_WARNING_INTERVAL_SEC = 60;

/** Called with the request's time for every request the cap refuses. */
export type HostLimitListener = (nowSec: number) => void;

/**
 * Logs the first refusal at once, then at most one line per HOST_LIMIT_WARNING_INTERVAL_SEC,
 * with the number of requests refused since the previous line (that one included), so a
 * flood of new host names costs one line a minute, not one per request.
 */
export function hostLimitWarnings(logger: Logger, maxHosts: number): HostLimitListener {
  const msg = `host limit reached: samples for new hosts are refused; ${remedy()}`;
  let lastLineSec = Number.NEGATIVE_INFINITY;
  let refusedRequests = 0;
  return (nowSec) => {
    refusedRequests++;
    if (nowSec - lastLineSec < HOST_LIMIT_WARNING_INTERVAL_SEC) return;
    logger.warn({ maxHosts, refusedRequests }, msg);
    lastLineSec = nowSec;
    refusedRequests = 0;
  };
}

/** For a bulk request whose new hosts do not all fit; none of its samples was recorded. */
export function batchOverHostLimit(maxHosts: number): HttpError {
  return new HttpError(503, `this request would track more than ${maxHosts} hosts (${MAX_HOSTS_VARIABLE}); none was recorded; ${remedy()}`);
}
