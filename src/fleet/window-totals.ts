/*
 * One host over a whole window, as GET /perf?window= shows it: every sample of the window
 * pooled, exactly as the host's report would add up its intervals (sums and counts oldest
 * first, then one division), so a mean here equals the report's to the last bit.
 *
 * The running sums live in seven doubles of a Float64Array (a `TotalsCells` at some index),
 * so a caller can keep them for many hosts in one array (closed-window-cache.ts) and go on
 * adding buckets to them later with the same result as adding them all at once.
 */
import { CPU_MAX, CPU_MIN, CPU_SUM, MEM_MAX, MEM_MIN, MEM_SUM, metaIndex, statsIndex } from '../store/ring-buffer';
import { RingSlots, Statistics } from '../store/store';
import { WindowLayout, liveSlotAt } from './window-layout';

/** A host's samples over a whole window, as its report's buckets would add up to. Loads are null when the window holds no sample. */
export type WindowTotals = Statistics;

/** Running sums, at `at` of a Float64Array: samples, cpu sum, mem sum, cpu min, cpu max, mem min, mem max. */
export const TOTALS_CELLS = 7;
export const TOTAL_SAMPLES = 0;
export const TOTAL_CPU_SUM = 1;
export const TOTAL_MEM_SUM = 2;
const TOTAL_CPU_MIN = 3;
const TOTAL_CPU_MAX = 4;
const TOTAL_MEM_MIN = 5;
const TOTAL_MEM_MAX = 6;

/** Sets the sums at `at` to those of no bucket at all. */
export function clearTotals(cells: Float64Array, at: number): void {
  cells[at + TOTAL_SAMPLES] = 0;
  cells[at + TOTAL_CPU_SUM] = 0;
  cells[at + TOTAL_MEM_SUM] = 0;
  cells[at + TOTAL_CPU_MIN] = Infinity;
  cells[at + TOTAL_CPU_MAX] = -Infinity;
  cells[at + TOTAL_MEM_MIN] = Infinity;
  cells[at + TOTAL_MEM_MAX] = -Infinity;
}

/** Adds the window's buckets `fromK` to `toK - 1` (oldest first, as the report does) to the sums at `at`. */
export function addBuckets(ring: RingSlots, layout: WindowLayout, fromK: number, toK: number, cells: Float64Array, at: number): void {
  const { stats, meta } = ring.series;
  for (let k = fromK; k < toK; k++) {
    const slot = liveSlotAt(ring, layout, k);
    if (slot === -1) continue;
    const s = statsIndex(slot);
    cells[at + TOTAL_SAMPLES] += meta[metaIndex(slot) + 1];
    cells[at + TOTAL_CPU_SUM] += stats[s + CPU_SUM];
    cells[at + TOTAL_MEM_SUM] += stats[s + MEM_SUM];
    if (stats[s + CPU_MIN] < cells[at + TOTAL_CPU_MIN]) cells[at + TOTAL_CPU_MIN] = stats[s + CPU_MIN];
    if (stats[s + CPU_MAX] > cells[at + TOTAL_CPU_MAX]) cells[at + TOTAL_CPU_MAX] = stats[s + CPU_MAX];
    if (stats[s + MEM_MIN] < cells[at + TOTAL_MEM_MIN]) cells[at + TOTAL_MEM_MIN] = stats[s + MEM_MIN];
    if (stats[s + MEM_MAX] > cells[at + TOTAL_MEM_MAX]) cells[at + TOTAL_MEM_MAX] = stats[s + MEM_MAX];
  }
}

/** The totals the sums at `at` come to. */
export function totalsOf(cells: Float64Array, at: number): WindowTotals {
  const samples = cells[at + TOTAL_SAMPLES];
  if (samples === 0) return { samples, cpuMean: null, memMean: null, cpuMin: null, cpuMax: null, memMin: null, memMax: null };
  return {
    samples,
    cpuMean: cells[at + TOTAL_CPU_SUM] / samples,
    memMean: cells[at + TOTAL_MEM_SUM] / samples,
    cpuMin: cells[at + TOTAL_CPU_MIN],
    cpuMax: cells[at + TOTAL_CPU_MAX],
    memMin: cells[at + TOTAL_MEM_MIN],
    memMax: cells[at + TOTAL_MEM_MAX],
  };
}

const scratch = new Float64Array(TOTALS_CELLS);

export function windowTotals(ring: RingSlots, layout: WindowLayout): WindowTotals {
  clearTotals(scratch, 0);
  addBuckets(ring, layout, 0, layout.bucketCount, scratch, 0);
  return totalsOf(scratch, 0);
}
