/*
 * Where each bucket of a window sits in a ring, worked out once per query: at a given time
 * every host keeps bucket k of the window in the same slot, so the fleet functions read
 * 100,000 rings through one table instead of redoing the modulo per host and bucket.
 *
 *   bucket k (0 = oldest)   startSec[k] = windowStart + k × bucketSeconds
 *                           slot[k]     = slotIndex(startSec[k]), counted from the ring's first slot
 */
import { Mode, RESOLUTIONS, windowStart } from '../store/modes';
import { metaIndex, slotIndex } from '../store/ring-buffer';
import { RingSlots } from '../store/store';

export interface WindowLayout {
  readonly bucketSeconds: number;
  readonly bucketCount: number;
  readonly startSec: Float64Array;
  readonly slot: Int32Array;
}

export function windowLayout(mode: Mode, nowSec: number): WindowLayout {
  const resolution = RESOLUTIONS[mode];
  const { bucketSeconds, bucketCount } = resolution;
  const firstStartSec = windowStart(resolution, nowSec);
  const startSec = new Float64Array(bucketCount);
  const slot = new Int32Array(bucketCount);
  for (let k = 0; k < bucketCount; k++) {
    startSec[k] = firstStartSec + k * bucketSeconds;
    slot[k] = slotIndex(startSec[k], resolution);
  }
  return { bucketSeconds, bucketCount, startSec, slot };
}

/** The slot of `ring.series` holding bucket k, or -1 when it holds no sample of it (empty, or left from an earlier lap). */
export function liveSlotAt(ring: RingSlots, layout: WindowLayout, k: number): number {
  const slot = ring.firstSlot + layout.slot[k];
  const m = metaIndex(slot);
  const meta = ring.series.meta;
  return meta[m] === layout.startSec[k] && meta[m + 1] !== 0 ? slot : -1;
}

/**
 * Whether a host whose newest sample is at `newestSec` can hold a sample in the window's
 * bucket in progress: its newest sample bounds every sample it holds, so one older than
 * that bucket's start means nothing is there and its ring need not be read (stale hosts,
 * and hosts reporting less often than a bucket).
 */
export function mayHoldBucketInProgress(layout: WindowLayout, newestSec: number): boolean {
  return newestSec >= layout.startSec[layout.bucketCount - 1];
}

/** The buckets `ks` of a window (indexes, oldest first), as a layout of their own. */
export function pickBuckets(layout: WindowLayout, ks: readonly number[]): WindowLayout {
  return {
    bucketSeconds: layout.bucketSeconds,
    bucketCount: ks.length,
    startSec: Float64Array.from(ks, (k) => layout.startSec[k]),
    slot: Int32Array.from(ks, (k) => layout.slot[k]),
  };
}
