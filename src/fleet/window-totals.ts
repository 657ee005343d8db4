/*
 * One host over a whole window, as GET /perf?window= shows it: every sample of the window
 * pooled, exactly as the host's report would add up its intervals (sums and counts oldest
 * first, then one division), so a mean here equals the report's to the last bit.
 */
import { CPU_MAX, CPU_MIN, CPU_SUM, MEM_MAX, MEM_MIN, MEM_SUM, metaIndex, statsIndex } from '../store/ring-buffer';
import { RingSlots, Statistics } from '../store/store';
import { WindowLayout, liveSlotAt } from './window-layout';

/** Loads are null when the window holds no sample. */
/** A host's samples over a whole window, as its report's buckets would add up to. */
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

/**
 * The mean of one load over the whole window, as windowTotals computes it (the same sums in
 * the same order), without building the totals: a ranking by the window's mean needs only
 * this for every host, and the totals only for the hosts of its page.
 */
export function windowMean(ring: RingSlots, layout: WindowLayout, load: 'cpu' | 'mem'): number | null {
  const { stats, meta } = ring.series;
  const offset = load === 'cpu' ? CPU_SUM : MEM_SUM;
  let samples = 0;
  let sum = 0;
  for (let k = 0; k < layout.bucketCount; k++) {
    const slot = liveSlotAt(ring, layout, k);
    if (slot === -1) continue;
    samples += meta[metaIndex(slot) + 1];
    sum += stats[statsIndex(slot) + offset];
  }
  return samples === 0 ? null : sum / samples;
}
