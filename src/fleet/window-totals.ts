/*
 * One host over a whole window, as GET /perf?window= shows it: every sample of the window
 * pooled, exactly as the host's report would add up its intervals (sums and counts oldest
 * first, then one division), so a mean here equals the report's to the last bit.
 */
import { CPU_MAX, CPU_MIN, CPU_SUM, MEM_MAX, MEM_MIN, MEM_SUM, metaIndex, statsIndex } from '../store/ring-buffer';
import { RingSlots, Statistics } from '../store/store';
import { WindowLayout, liveSlotAt } from './window-layout';

/** A host's samples over a whole window, as its report's buckets would add up to. Loads are null when the window holds no sample. */
export type WindowTotals = Statistics;

export function windowTotals(ring: RingSlots, layout: WindowLayout): WindowTotals {
  const { stats, meta } = ring.series;
  let samples = 0;
  let cpuSum = 0;
  let memSum = 0;
  let cpuMin = Infinity;
  let cpuMax = -Infinity;
  let memMin = Infinity;
  let memMax = -Infinity;
  for (let k = 0; k < layout.bucketCount; k++) {
    const slot = liveSlotAt(ring, layout, k);
    if (slot === -1) continue;
    const at = statsIndex(slot);
    samples += meta[metaIndex(slot) + 1];
    cpuSum += stats[at + CPU_SUM];
    memSum += stats[at + MEM_SUM];
    if (stats[at + CPU_MIN] < cpuMin) cpuMin = stats[at + CPU_MIN];
    if (stats[at + CPU_MAX] > cpuMax) cpuMax = stats[at + CPU_MAX];
    if (stats[at + MEM_MIN] < memMin) memMin = stats[at + MEM_MIN];
    if (stats[at + MEM_MAX] > memMax) memMax = stats[at + MEM_MAX];
  }
  if (samples === 0) return { samples, cpuMean: null, memMean: null, cpuMin: null, cpuMax: null, memMin: null, memMax: null };
  return { samples, cpuMean: cpuSum / samples, memMean: memSum / samples, cpuMin, cpuMax, memMin, memMax };
}

/** Running sums at `at` of a Float64Array: samples, cpu sum, mem sum. */
export const SUMS_CELLS = 3;
export const SUM_SAMPLES = 0;
export const SUM_CPU = 1;
export const SUM_MEM = 2;

/**
 * Adds the window's buckets `fromK` to `toK - 1` to the sums at `at`, as windowTotals adds
 * them (the same additions in the same order): sums begun at zero over the first buckets and
 * carried on over the rest end with the very doubles windowTotals reaches. A ranking by the
 * window's mean needs only these for every host, and the totals only for its page.
 */
export function addSums(ring: RingSlots, layout: WindowLayout, fromK: number, toK: number, cells: Float64Array, at: number): void {
  const { stats, meta } = ring.series;
  for (let k = fromK; k < toK; k++) {
    const slot = liveSlotAt(ring, layout, k);
    if (slot === -1) continue;
    cells[at + SUM_SAMPLES] += meta[metaIndex(slot) + 1];
    cells[at + SUM_CPU] += stats[statsIndex(slot) + CPU_SUM];
    cells[at + SUM_MEM] += stats[statsIndex(slot) + MEM_SUM];
  }
}
