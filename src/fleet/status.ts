/*
 * Live or stale: whether a host has reported lately. A host is stale once its newest sample
 * is more than staleAfterSec old (SERVERTRACK_STALE_AFTER); at exactly that age it is still
 * live, so an agent reporting every staleAfterSec seconds never flickers. Stale hosts are
 * still listed until their newest sample leaves the day window (store.ts, isExpired).
 */
import { InvalidInputError } from '../ingest/invalid-input';
import { showValue } from '../ingest/show-value';

export type HostStatus = 'live' | 'stale';

/** The `status` parameter: which hosts to list. */
export type StatusFilter = HostStatus | 'all';

export const DEFAULT_STALE_AFTER_SEC = 120;

const STATUS_FILTERS: readonly StatusFilter[] = ['live', 'stale', 'all'];

export function hostStatus(lastSeenSec: number, nowSec: number, staleAfterSec: number): HostStatus {
  return nowSec - lastSeenSec > staleAfterSec ? 'stale' : 'live';
}

/** The `status` query value; absent means all. Throws InvalidInputError (a 400) for anything else. */
export function parseStatusParam(raw: unknown): StatusFilter {
  if (raw === undefined) return 'all';
  if (typeof raw === 'string' && (STATUS_FILTERS as readonly string[]).includes(raw)) return raw as StatusFilter;
  throw new InvalidInputError(`status must be one of ${STATUS_FILTERS.join(', ')}, got ${showValue(raw)}`);
}

/** Whether a host whose newest sample is at `lastSeenSec` passes `filter` at `nowSec`. */
export function passesStatus(filter: StatusFilter, lastSeenSec: number, nowSec: number, staleAfterSec: number): boolean {
  return filter === 'all' || hostStatus(lastSeenSec, nowSec, staleAfterSec) === filter;
}
