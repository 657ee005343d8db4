/*
 * GET /fleet/{mode}: the matching hosts pooled per interval of a window.
 *
 *   per bucket k   hosts      hosts with a sample in k
 *                  samples    their samples, summed
 *                  mean       Σ every sample / Σ counts (pooled, not a mean of means)
 *                  min, max   over every sample
 *                  pNN        nearest rank of the hosts' own means in k: sorted ascending,
 *                             the value at rank ⌈NN/100 × hosts⌉
 *
 * Hosts are added one ring at a time (a store visits them in its own order: insertion
 * order in memory, name order in Redis). The pooled sums are compensated (Neumaier), so
 * the sum does not depend on that order in practice and both stores print the same means.
 * Each host's mean per bucket is kept for the percentiles: two doubles per host and bucket,
 * selected (not sorted) at the end.
 */
import { CPU_MAX, CPU_MIN, CPU_SUM, MEM_MAX, MEM_MIN, MEM_SUM, metaIndex, statsIndex } from '../store/ring-buffer';
import { RingSlots } from '../store/store';
import { nearestRank } from './percentile';
import { WindowLayout, liveSlotAt } from './window-layout';

/** The percentiles reported, in this order. */
export const FLEET_PERCENTILES = [50, 90, 99] as const;

/** One interval of the fleet; statistics are null when no matching host has a sample in it. */
export interface FleetInterval {
  startSec: number;
  hosts: number;
  samples: number;
  cpuMean: number | null;
  memMean: number | null;
  cpuMin: number | null;
  cpuMax: number | null;
  memMin: number | null;
  memMax: number | null;
  /** At FLEET_PERCENTILES, in order; empty when hosts is 0. */
  cpuPercentiles: number[];
  memPercentiles: number[];
}

const INITIAL_HOSTS_PER_BUCKET = 1024;

/** A growable list of doubles: the hosts' means of one bucket. */
class Means {
  values = new Float64Array(INITIAL_HOSTS_PER_BUCKET);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }
}

/** Neumaier's compensated sum: `sum + compensation` carries the bits a plain += would drop. */
class CompensatedSums {
  readonly sum: Float64Array;
  readonly compensation: Float64Array;

  constructor(length: number) {
    this.sum = new Float64Array(length);
    this.compensation = new Float64Array(length);
  }

  add(k: number, value: number): void {
    const sum = this.sum[k];
    const next = sum + value;
    this.compensation[k] += Math.abs(sum) >= Math.abs(value) ? sum - next + value : value - next + sum;
    this.sum[k] = next;
  }

  total(k: number): number {
    return this.sum[k] + this.compensation[k];
  }
}

export class FleetAggregate {
  private readonly hosts: Uint32Array;
  private readonly samples: Float64Array;
  private readonly cpuSums: CompensatedSums;
  private readonly memSums: CompensatedSums;
  private readonly cpuMin: Float64Array;
  private readonly cpuMax: Float64Array;
  private readonly memMin: Float64Array;
  private readonly memMax: Float64Array;
  private readonly cpuMeans: Means[];
  private readonly memMeans: Means[];

  constructor(private readonly layout: WindowLayout) {
    const n = layout.bucketCount;
    this.hosts = new Uint32Array(n);
    this.samples = new Float64Array(n);
    this.cpuSums = new CompensatedSums(n);
    this.memSums = new CompensatedSums(n);
    this.cpuMin = new Float64Array(n).fill(Infinity);
    this.cpuMax = new Float64Array(n).fill(-Infinity);
    this.memMin = new Float64Array(n).fill(Infinity);
    this.memMax = new Float64Array(n).fill(-Infinity);
    this.cpuMeans = Array.from({ length: n }, () => new Means());
    this.memMeans = Array.from({ length: n }, () => new Means());
  }

  add(ring: RingSlots): void {
    const { stats, meta } = ring.series;
    for (let k = 0; k < this.layout.bucketCount; k++) {
      const slot = liveSlotAt(ring, this.layout, k);
      if (slot === -1) continue;
      const at = statsIndex(slot);
      const count = meta[metaIndex(slot) + 1];
      const cpuSum = stats[at + CPU_SUM];
      const memSum = stats[at + MEM_SUM];
      this.hosts[k]++;
      this.samples[k] += count;
      this.cpuSums.add(k, cpuSum);
      this.memSums.add(k, memSum);
      if (stats[at + CPU_MIN] < this.cpuMin[k]) this.cpuMin[k] = stats[at + CPU_MIN];
      if (stats[at + CPU_MAX] > this.cpuMax[k]) this.cpuMax[k] = stats[at + CPU_MAX];
      if (stats[at + MEM_MIN] < this.memMin[k]) this.memMin[k] = stats[at + MEM_MIN];
      if (stats[at + MEM_MAX] > this.memMax[k]) this.memMax[k] = stats[at + MEM_MAX];
      // The same division as the host's report, so a percentile is some host's reported mean.
      this.cpuMeans[k].push(cpuSum / count);
      this.memMeans[k].push(memSum / count);
    }
  }

  /** Interval k of the window (0 = oldest). Selecting its percentiles reorders the means kept, so ask once per k. */
  interval(k: number): FleetInterval {
    const startSec = this.layout.startSec[k];
    const hosts = this.hosts[k];
    if (hosts === 0) {
      return {
        startSec,
        hosts: 0,
        samples: 0,
        cpuMean: null,
        memMean: null,
        cpuMin: null,
        cpuMax: null,
        memMin: null,
        memMax: null,
        cpuPercentiles: [],
        memPercentiles: [],
      };
    }
    const samples = this.samples[k];
    return {
      startSec,
      hosts,
      samples,
      cpuMean: this.cpuSums.total(k) / samples,
      memMean: this.memSums.total(k) / samples,
      cpuMin: this.cpuMin[k],
      cpuMax: this.cpuMax[k],
      memMin: this.memMin[k],
      memMax: this.memMax[k],
      cpuPercentiles: nearestRank(this.cpuMeans[k].values.subarray(0, hosts), FLEET_PERCENTILES),
      memPercentiles: nearestRank(this.memMeans[k].values.subarray(0, hosts), FLEET_PERCENTILES),
    };
  }

  get bucketCount(): number {
    return this.layout.bucketCount;
  }
}
