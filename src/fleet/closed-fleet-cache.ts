/*
 * GET /fleet/{mode}'s closed intervals (all but the one in progress) of recent queries,
 * kept so that polling the fleet costs one bucket per host instead of the whole window:
 * /fleet/last_hour at 100,000 hosts reads 6 million slots and selects 120 percentiles
 * cold, and 100,000 slots and 2 percentiles while the closed intervals are kept.
 *
 * Kept per query (mode and filters), per bucket: its interval and the store's slotWrites
 * count of its slot when it was pooled. A later query takes a bucket's interval only when
 *   - every host the entry pooled still passes its filters, in the same visit order
 *     (compared by series buffer): a host that went, or stopped passing, changes every
 *     interval;
 *   - no host that passes now and was not pooled holds a sample in the bucket (a new host
 *     usually holds none but in the bucket in progress; a stale host turned live again may);
 *   - the bucket's slot took no write since (no late sample, no newer bucket in its place).
 * Any other bucket is pooled again, alone: when the window moves on, only the bucket that
 * was in progress; after a late sample, only the bucket it reached.
 */
import { SeriesBuffer } from '../store/ring-buffer';

export interface KeptInterval<T> {
  /** slotWrites of the bucket's slot when it was pooled. */
  readonly writes: number;
  readonly interval: T;
}

export interface ClosedFleet<T> {
  /** Series buffers of the hosts pooled, in visit order. */
  readonly members: readonly SeriesBuffer[];
  /** By bucket start (epoch seconds). */
  readonly intervals: ReadonlyMap<number, KeptInterval<T>>;
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
