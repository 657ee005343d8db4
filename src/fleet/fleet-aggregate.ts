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
import { Interval, RingSlots } from '../store/store';
import { nearestRank } from './percentile';
import { WindowLayout } from './window-layout';

/** The percentiles reported, in this order. */
export const FLEET_PERCENTILES = [50, 90, 99] as const;

/** One interval of the fleet; statistics are null when no matching host has a sample in it. */
export interface FleetInterval extends Interval {
  hosts: number;
  /** At FLEET_PERCENTILES, in order; empty when hosts is 0. */
  cpuPercentiles: number[];
  memPercentiles: number[];
}

const INITIAL_HOSTS_PER_BUCKET = 1024;
/**
 * Room kept above the hosts expected. Sized exactly, a fleet that gained one host would
 * find every pooled array one short and allocate the whole set again (at 100,000 hosts,
 * 96 MB inside one query, and the full collection that memory brings on with it).
 */
const HEADROOM = 1 / 8;

/** Means per bucket to make room for, for `hosts` expected: with headroom, in whole steps of INITIAL_HOSTS_PER_BUCKET. */
export function roomFor(hosts: number): number {
  const steps = Math.ceil((hosts * (1 + HEADROOM)) / INITIAL_HOSTS_PER_BUCKET);
  return Math.max(1, steps) * INITIAL_HOSTS_PER_BUCKET;
}

/**
 * Per bucket, room for every host's mean: at 100,000 hosts and 60 buckets 96 MB. Allocating
 * that for each request would have the GC run a full collection over the store's heap every
 * few requests, so aggregates take their arrays from a pool and give them back once they
 * have answered (their percentiles reorder them; nothing else reads them).
 */
export class MeansPool {
  private readonly spare: Float64Array[] = [];

  /** `capacity`: the most arrays kept, as many as the largest aggregate takes (two per bucket). */
  constructor(private readonly capacity: number) {}

  /** An array of at least `length` doubles; one kept that is too short is dropped. */
  take(length: number): Float64Array {
    const spare = this.spare.pop();
    return spare !== undefined && spare.length >= length ? spare : new Float64Array(length);
  }

  give(arrays: readonly Float64Array[]): void {
    for (const array of arrays) if (this.spare.length < this.capacity) this.spare.push(array);
  }
}

const GROWTH_FACTOR = 4;

/** Neumaier's step: the bits `sum + value` drops, to be added to the compensation. */
function lostBits(sum: number, value: number, next: number): number {
  return Math.abs(sum) >= Math.abs(value) ? sum - next + value : value - next + sum;
}

export class FleetAggregate {
  // One slot per bucket in each array; plain typed arrays read through locals in add(), the hot loop.
  private readonly hosts: Uint32Array;
  private readonly samples: Float64Array;
  private readonly cpuSum: Float64Array;
  private readonly cpuLost: Float64Array;
  private readonly memSum: Float64Array;
  private readonly memLost: Float64Array;
  private readonly cpuMin: Float64Array;
  private readonly cpuMax: Float64Array;
  private readonly memMin: Float64Array;
  private readonly memMax: Float64Array;
  /** Each host's mean per bucket, hosts[k] of them in bucket k's array. */
  private readonly cpuMeans: Float64Array[];
  private readonly memMeans: Float64Array[];
  /** Room in each bucket's means, and hosts added so far. */
  private capacity: number;
  private added = 0;

  /**
   * `expectedHosts`: how many hosts will likely be added (say, as many as the last time).
   * Each bucket's means are sized for them, with headroom, at once: growing 120 arrays
   * while 100,000 hosts arrive allocates and copies most of the time an aggregate takes.
   */
  constructor(
    private readonly layout: WindowLayout,
    expectedHosts = 0,
    /** Where the means arrays come from and go back to. */
    private readonly pool: MeansPool = new MeansPool(0),
  ) {
    const n = layout.bucketCount;
    const capacity = roomFor(expectedHosts);
    this.hosts = new Uint32Array(n);
    this.samples = new Float64Array(n);
    this.cpuSum = new Float64Array(n);
    this.cpuLost = new Float64Array(n);
    this.memSum = new Float64Array(n);
    this.memLost = new Float64Array(n);
    this.cpuMin = new Float64Array(n).fill(Infinity);
    this.cpuMax = new Float64Array(n).fill(-Infinity);
    this.memMin = new Float64Array(n).fill(Infinity);
    this.memMax = new Float64Array(n).fill(-Infinity);
    this.cpuMeans = Array.from({ length: n }, () => pool.take(capacity));
    this.memMeans = Array.from({ length: n }, () => pool.take(capacity));
    this.capacity = capacity;
  }

  /** Gives the means arrays back to the pool, once every interval has been asked for: the aggregate answers no more. */
  release(): void {
    this.pool.give(this.cpuMeans);
    this.pool.give(this.memMeans);
  }

  add(ring: RingSlots): void {
    const { stats, meta } = ring.series;
    const { bucketCount, slot: slotOf, startSec } = this.layout;
    const firstSlot = ring.firstSlot;
    // A host adds at most one mean to each bucket: room for one more host is room enough.
    if (this.added++ === this.capacity) this.grow();
    const { hosts, samples, cpuSum, cpuLost, memSum, memLost, cpuMin, cpuMax, memMin, memMax, cpuMeans, memMeans } = this;
    for (let k = 0; k < bucketCount; k++) {
      const slot = firstSlot + slotOf[k];
      const m = metaIndex(slot);
      const count = meta[m + 1];
      if (meta[m] !== startSec[k] || count === 0) continue;
      const at = statsIndex(slot);
      const cpu = stats[at + CPU_SUM];
      const mem = stats[at + MEM_SUM];
      const held = hosts[k]++;
      samples[k] += count;
      const cpuNext = cpuSum[k] + cpu;
      cpuLost[k] += lostBits(cpuSum[k], cpu, cpuNext);
      cpuSum[k] = cpuNext;
      const memNext = memSum[k] + mem;
      memLost[k] += lostBits(memSum[k], mem, memNext);
      memSum[k] = memNext;
      if (stats[at + CPU_MIN] < cpuMin[k]) cpuMin[k] = stats[at + CPU_MIN];
      if (stats[at + CPU_MAX] > cpuMax[k]) cpuMax[k] = stats[at + CPU_MAX];
      if (stats[at + MEM_MIN] < memMin[k]) memMin[k] = stats[at + MEM_MIN];
      if (stats[at + MEM_MAX] > memMax[k]) memMax[k] = stats[at + MEM_MAX];
      // The same division as the host's report, so a percentile is some host's reported mean.
      cpuMeans[k][held] = cpu / count;
      memMeans[k][held] = mem / count;
    }
  }

  private grow(): void {
    this.capacity *= GROWTH_FACTOR;
    for (const means of [this.cpuMeans, this.memMeans]) {
      for (let k = 0; k < means.length; k++) {
        const grown = new Float64Array(this.capacity);
        grown.set(means[k]);
        means[k] = grown;
      }
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
      cpuMean: (this.cpuSum[k] + this.cpuLost[k]) / samples,
      memMean: (this.memSum[k] + this.memLost[k]) / samples,
      cpuMin: this.cpuMin[k],
      cpuMax: this.cpuMax[k],
      memMin: this.memMin[k],
      memMax: this.memMax[k],
      cpuPercentiles: nearestRank(this.cpuMeans[k].subarray(0, hosts), FLEET_PERCENTILES),
      memPercentiles: nearestRank(this.memMeans[k].subarray(0, hosts), FLEET_PERCENTILES),
    };
  }

  get bucketCount(): number {
    return this.layout.bucketCount;
  }

  get bucketSeconds(): number {
    return this.layout.bucketSeconds;
  }
}
