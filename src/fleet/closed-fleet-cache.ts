/*
 * GET /fleet/{mode}'s closed intervals (all but the one in progress) of recent queries,
 * kept so that polling the fleet costs one bucket per host instead of the whole window:
 * /fleet/last_hour at 100,000 hosts reads 6 million slots and selects 120 percentiles
 * cold, and 100,000 slots and 2 percentiles while the closed intervals are kept.
 *
 * An entry answers a query only when all of these hold, so it is never stale:
 *   - the key matches: mode, the window's start, the store's closedBucketsRevision (no
 *     write reached a closed bucket since), and the query's filters;
 *   - the hosts passing the filters now are the very hosts the entry was summed over, in the
 *     same visit order (compared by series buffer): a host that came, went or turned stale
 *     changes the pooled intervals, and is caught here.
 */
import { SeriesBuffer } from '../store/ring-buffer';

export interface ClosedFleet<T> {
  /** Series buffers of the hosts summed, in visit order. */
  readonly members: readonly SeriesBuffer[];
  /** Every closed interval, oldest first, empty ones included. */
  readonly intervals: readonly T[];
}

export class ClosedFleetCache<T> {
  /** In use order, least recently used first. */
  private readonly entries = new Map<string, ClosedFleet<T>>();

  constructor(private readonly capacity: number) {}

  get(key: string): ClosedFleet<T> | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: ClosedFleet<T>): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
  }
}
