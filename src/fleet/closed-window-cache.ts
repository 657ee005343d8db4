/*
 * Per host, what a window's closed buckets (every bucket but the one in progress) add up
 * to, kept from one query to the next. Ranking 100,000 hosts by their last-hour mean reads
 * 60 slots of each, 336 MB of rings; with the closed sums kept it reads one slot and three
 * numbers per host, until the window moves on (once a minute for last_hour).
 *
 * Exact: the report adds a window's buckets oldest first, so the closed buckets' sums are
 * the very partial sums it reaches before the last bucket, and adding the last bucket to
 * them gives the same doubles (window-totals.ts). Only the sums and the count are kept: the
 * min and max are needed for a page of hosts, whose totals are read whole.
 *
 * Kept while the window's start and the store's bucketEpoch hold (store.ts): every write
 * since went to the bucket in progress or counted in its host's lateWrites. So a late
 * sample has only its own host summed afresh (a dashboard keeps polling at the same cost
 * while agents send samples a few seconds old); the window moving on, or the clock going
 * back, sums every host afresh at the next reading. Hosts are looked up by their place in
 * the visit, which a store keeps while no host comes or goes, and checked by their series
 * buffer and lateWrites: a host met at another place, new, or written late is summed
 * afresh and kept there, so any of these costs a recount, never a wrong answer. A store
 * without bucketEpoch (Redis hands out copies) has nothing kept: every reading sums the
 * closed buckets anew.
 */
import { CPU_SUM, MEM_SUM, SeriesBuffer, metaIndex, statsIndex } from '../store/ring-buffer';
import { VisitedRing } from '../store/store';
import { WindowLayout, liveSlotAt, mayHoldBucketInProgress } from './window-layout';
import { SUMS_CELLS, SUM_CPU, SUM_MEM, SUM_SAMPLES, addSums } from './window-totals';

/** One query's reading of every host's window through the cache. */
export interface WindowReading {
  /**
   * The window's mean of one load, as windowTotals would give it; `position`: the host's
   * place in this query's visit, from 0; `newestSec`: its newest sample's time.
   */
  mean(position: number, ring: VisitedRing, newestSec: number, load: 'cpu' | 'mem'): number | null;
}

export class ClosedWindowCache {
  private windowStartSec = Number.NaN;
  /** The store's bucketEpoch when what is kept was begun. */
  private epoch = Number.NaN;
  /** Bumped whenever what is kept is dropped: a reading begun before reads past the cache. */
  private generation = 0;
  /** By place in the visit: whose closed sums `cells` keeps there, and its lateWrites then. */
  private readonly series: (SeriesBuffer | undefined)[] = [];
  private readonly lateWrites: number[] = [];
  private cells = new Float64Array(0);

  /** Begins a query's reading of the window `layout` lays out; `epoch` (the store's bucketEpoch) undefined when the store counts none. */
  reading(layout: WindowLayout, epoch: number | undefined): WindowReading {
    if (epoch === undefined) return new CachedReading(this, layout, -1);
    if (layout.startSec[0] !== this.windowStartSec || epoch !== this.epoch) {
      this.windowStartSec = layout.startSec[0];
      this.epoch = epoch;
      this.generation++;
      this.series.length = 0;
      this.lateWrites.length = 0;
    }
    return new CachedReading(this, layout, this.generation);
  }

  /** Index in `cells` of the closed sums of the host at `position`, summing them first if they are not kept. */
  closedAt(position: number, ring: VisitedRing, layout: WindowLayout): number {
    const at = position * SUMS_CELLS;
    if (this.series[position] === ring.series && this.lateWrites[position] === ring.lateWrites) return at;
    if (at + SUMS_CELLS > this.cells.length) this.grow(at + SUMS_CELLS);
    while (this.series.length < position) {
      this.series.push(undefined);
      this.lateWrites.push(0);
    }
    this.cells.fill(0, at, at + SUMS_CELLS);
    addSums(ring, layout, 0, layout.bucketCount - 1, this.cells, at);
    this.series[position] = ring.series;
    this.lateWrites[position] = ring.lateWrites;
    return at;
  }

  get keptCells(): Float64Array {
    return this.cells;
  }

  isCurrent(generation: number): boolean {
    return generation === this.generation;
  }

  private grow(cellsNeeded: number): void {
    const grown = new Float64Array(Math.max(cellsNeeded, this.cells.length * 2));
    grown.set(this.cells);
    this.cells = grown;
  }
}

class CachedReading implements WindowReading {
  private readonly scratch = new Float64Array(SUMS_CELLS);
  private readonly lastK: number;

  constructor(
    private readonly cache: ClosedWindowCache,
    private readonly layout: WindowLayout,
    /** The cache's generation when this reading began; -1 to keep nothing. */
    private readonly generation: number,
  ) {
    this.lastK = layout.bucketCount - 1;
  }

  mean(position: number, ring: VisitedRing, newestSec: number, load: 'cpu' | 'mem'): number | null {
    let cells: Float64Array = this.scratch;
    let at = 0;
    if (this.generation !== -1 && this.cache.isCurrent(this.generation)) {
      at = this.cache.closedAt(position, ring, this.layout);
      cells = this.cache.keptCells;
    } else {
      cells.fill(0);
      addSums(ring, this.layout, 0, this.lastK, cells, 0);
    }
    let samples = cells[at + SUM_SAMPLES];
    let sum = cells[at + (load === 'cpu' ? SUM_CPU : SUM_MEM)];
    const slot = mayHoldBucketInProgress(this.layout, newestSec) ? liveSlotAt(ring, this.layout, this.lastK) : -1;
    if (slot !== -1) {
      samples += ring.series.meta[metaIndex(slot) + 1];
      sum += ring.series.stats[statsIndex(slot) + (load === 'cpu' ? CPU_SUM : MEM_SUM)];
    }
    return samples === 0 ? null : sum / samples;
  }
}
