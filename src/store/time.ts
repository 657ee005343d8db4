/*
 * Pure time arithmetic shared by the store and the HTTP layer. No state, no wall clock:
 * every function takes the time it works on. Times are epoch seconds (fractional allowed).
 */

export const SECONDS_PER_MINUTE = 60;
export const SECONDS_PER_HOUR = 60 * SECONDS_PER_MINUTE;
export const MS_PER_SECOND = 1000;

/** A source of the current time in epoch seconds; injected so tests set time exactly. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now() / MS_PER_SECOND;

/** Start of the UTC-aligned bucket of width `bucketSeconds` that holds `sec`. */
export function bucketStart(sec: number, bucketSeconds: number): number {
  return Math.floor(sec / bucketSeconds) * bucketSeconds;
}

/** ISO-8601 UTC with second precision and a `Z`, e.g. 2026-11-27T14:05:00Z. */
export function toIsoSecond(sec: number): string {
  return new Date(Math.floor(sec) * MS_PER_SECOND).toISOString().slice(0, 19) + 'Z';
}
