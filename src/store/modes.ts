/*
 * The three report modes as data. A mode is a resolution (bucket width) and a window
 * (how many buckets, ending with the one in progress).
 */
import { SECONDS_PER_HOUR, SECONDS_PER_MINUTE, bucketStart } from './time';

export type Mode = 'last_minute' | 'last_hour' | 'last_day';

export interface Resolution {
  bucketSeconds: number; // width of one slot
  bucketCount: number; // slots kept; window = bucketSeconds × bucketCount
}

export const RESOLUTIONS: Readonly<Record<Mode, Resolution>> = {
  last_minute: { bucketSeconds: 1, bucketCount: 60 },
  last_hour: { bucketSeconds: SECONDS_PER_MINUTE, bucketCount: 60 },
  last_day: { bucketSeconds: SECONDS_PER_HOUR, bucketCount: 24 },
};

export const MODES = Object.keys(RESOLUTIONS) as Mode[];

/** The widest resolution: a sample, or a host, older than its window is gone everywhere. */
export const LONGEST: Resolution = RESOLUTIONS.last_day;

export function isMode(name: string): name is Mode {
  return Object.prototype.hasOwnProperty.call(RESOLUTIONS, name);
}

/** Start of the oldest bucket still inside the window of `r` at time `nowSec`. */
export function windowStart(r: Resolution, nowSec: number): number {
  return bucketStart(nowSec, r.bucketSeconds) - (r.bucketCount - 1) * r.bucketSeconds;
}
