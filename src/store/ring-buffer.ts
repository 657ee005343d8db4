/*
 * Ring: one resolution (say 60 × 1 s) of a host, laid out inside that host's SeriesBuffer.
 * The Ring object holds only the layout and is shared by every host; the numbers live in
 * the host's buffer, allocated once when the host is first seen.
 *
 *   slot s = firstSlot + i,  i = (startSec / bucketSeconds) mod bucketCount
 *   56 bytes per slot, at byte 56s:
 *     stats[7s .. 7s + 5]   cpuSum, memSum, cpuMin, cpuMax, memMin, memMax (Float64)
 *     meta[metaIndex(s)]    start of the bucket held in the slot (epoch seconds, Uint32)
 *     meta[metaIndex(s)+1]  sample count (Uint32)
 *
 * A slot's start and count sit right after its stats, so recording one sample touches one
 * or two cache lines per ring. With thousands of hosts the buffers dwarf the CPU caches and
 * those misses are most of what a record costs (measured: ~48 ns per record over 10 hosts,
 * over 100 ns over 10,000).
 *
 * A slot is live only if its stored start is the start the clock expects there. Slots
 * left from an earlier lap read as empty, so nothing is ever cleared, and a host silent
 * for a week reads as empty without any timer touching it.
 */
import { Resolution, windowStart } from './modes';
import { Interval } from './store';

/** Float64 statistics per slot, in this order: cpuSum, memSum, cpuMin, cpuMax, memMin, memMax. */
export const STATS_PER_SLOT = 6;
export const CPU_SUM = 0;
export const MEM_SUM = 1;
export const CPU_MIN = 2;
export const CPU_MAX = 3;
export const MEM_MIN = 4;
export const MEM_MAX = 5;
// The seventh Float64 cell of a slot holds two Uint32: the bucket start, then the count.
const FLOAT64_PER_SLOT = STATS_PER_SLOT + 1;
const UINT32_PER_SLOT = 2 * FLOAT64_PER_SLOT;
/** One slot: six Float64 statistics, the bucket start and the sample count (Uint32 each). */
export const SLOT_BYTES = FLOAT64_PER_SLOT * Float64Array.BYTES_PER_ELEMENT;

/** Index in `meta` of slot `slot`'s bucket start; its sample count is at the next index. */
export function metaIndex(slot: number): number {
  return slot * UINT32_PER_SLOT + 2 * STATS_PER_SLOT;
}

/** Index in `stats` of slot `slot`'s first statistic (cpuSum). */
export function statsIndex(slot: number): number {
  return slot * FLOAT64_PER_SLOT;
}

/** All rings of one host in a single allocation: two views on one ArrayBuffer. */
export interface SeriesBuffer {
  readonly meta: Uint32Array;
  readonly stats: Float64Array;
}

export function allocateSeries(slotCount: number): SeriesBuffer {
  const stats = new Float64Array(slotCount * FLOAT64_PER_SLOT);
  return { stats, meta: new Uint32Array(stats.buffer) };
}

/** Slot of `r`, counted from the ring's first, that holds the bucket starting at `startSec`. */
export function slotIndex(startSec: number, r: Resolution): number {
  return Math.floor(startSec / r.bucketSeconds) % r.bucketCount;
}

/**
 * The interval of the bucket starting at `startSec` as slot `i` of a ring holds it (`i`
 * counted from the ring's first slot), or undefined when that slot holds another bucket or
 * none. One per storage: a SeriesBuffer here, a Redis ring string in redis/codec.ts.
 */
type SlotReader = (i: number, startSec: number) => Interval | undefined;

/**
 * The whole window of `r` ending with the bucket in progress at `nowSec`, oldest first.
 * Each bucket is read from the slot it belongs in; one the slot does not hold reads empty.
 */
export function walkWindow(r: Resolution, nowSec: number, read: SlotReader): Interval[] {
  const { bucketSeconds, bucketCount } = r;
  const firstStartSec = windowStart(r, nowSec);
  const intervals: Interval[] = new Array(bucketCount);
  for (let k = 0; k < bucketCount; k++) {
    const startSec = firstStartSec + k * bucketSeconds;
    intervals[k] = read(slotIndex(startSec, r), startSec) ?? emptyInterval(startSec);
  }
  return intervals;
}

export class Ring {
  constructor(
    readonly resolution: Resolution,
    readonly firstSlot: number,
  ) {}

  get slotCount(): number {
    return this.resolution.bucketCount;
  }

  /**
   * Adds one sample to the bucket holding `sec`. The caller has checked that the bucket is
   * inside this ring's window. Returns the slot written, or -1 only when the slot holds a
   * newer bucket (the clock went backwards), in which case the ring is left as it was.
   */
  add(series: SeriesBuffer, sec: number, cpuLoad: number, memLoad: number): number {
    const { bucketSeconds, bucketCount } = this.resolution;
    const index = Math.floor(sec / bucketSeconds);
    const startSec = index * bucketSeconds;
    const slot = this.firstSlot + (index % bucketCount);
    const meta = series.meta;
    const stats = series.stats;
    const at = statsIndex(slot);
    const m = metaIndex(slot);
    const stored = meta[m];
    if (stored === startSec && meta[m + 1] !== 0) {
      meta[m + 1]++;
      stats[at + CPU_SUM] += cpuLoad;
      stats[at + MEM_SUM] += memLoad;
      if (cpuLoad < stats[at + CPU_MIN]) stats[at + CPU_MIN] = cpuLoad;
      if (cpuLoad > stats[at + CPU_MAX]) stats[at + CPU_MAX] = cpuLoad;
      if (memLoad < stats[at + MEM_MIN]) stats[at + MEM_MIN] = memLoad;
      if (memLoad > stats[at + MEM_MAX]) stats[at + MEM_MAX] = memLoad;
      return slot;
    }
    if (stored > startSec) return -1;
    // An earlier lap's bucket: overwrite it whole, which is the only "clearing" a slot gets.
    meta[m] = startSec;
    meta[m + 1] = 1;
    stats[at + CPU_SUM] = cpuLoad;
    stats[at + MEM_SUM] = memLoad;
    stats[at + CPU_MIN] = cpuLoad;
    stats[at + CPU_MAX] = cpuLoad;
    stats[at + MEM_MIN] = memLoad;
    stats[at + MEM_MAX] = memLoad;
    return slot;
  }

  /** The slot of the host's buffer that holds the bucket starting at `startSec`, live or not. */
  slotOf(startSec: number): number {
    return this.firstSlot + slotIndex(startSec, this.resolution);
  }

  /** The whole window ending with the bucket in progress at `nowSec`, oldest first. */
  window(series: SeriesBuffer, nowSec: number): Interval[] {
    return walkWindow(this.resolution, nowSec, (i, startSec) => readSlot(series, this.firstSlot + i, startSec));
  }

  /** Whether the bucket starting at `startSec` is still inside this ring's window at `nowSec`. */
  inWindow(startSec: number, nowSec: number): boolean {
    return startSec >= windowStart(this.resolution, nowSec);
  }

  /** Whether slot `slot` of `series` holds a bucket still inside this ring's window at `nowSec`. */
  holdsLive(series: SeriesBuffer, slot: number, nowSec: number): boolean {
    const m = metaIndex(slot);
    return series.meta[m + 1] !== 0 && this.inWindow(series.meta[m], nowSec);
  }
}

/** The bucket starting at `startSec` as slot `slot` holds it, or undefined when it holds another or none. */
function readSlot(series: SeriesBuffer, slot: number, startSec: number): Interval | undefined {
  const m = metaIndex(slot);
  const samples = series.meta[m + 1];
  if (series.meta[m] !== startSec || samples === 0) return undefined;
  const at = statsIndex(slot);
  const stats = series.stats;
  return {
    startSec,
    samples,
    cpuMean: stats[at + CPU_SUM] / samples,
    memMean: stats[at + MEM_SUM] / samples,
    cpuMin: stats[at + CPU_MIN],
    cpuMax: stats[at + CPU_MAX],
    memMin: stats[at + MEM_MIN],
    memMax: stats[at + MEM_MAX],
  };
}

function emptyInterval(startSec: number): Interval {
  return { startSec, samples: 0, cpuMean: null, memMean: null, cpuMin: null, cpuMax: null, memMin: null, memMax: null };
}
