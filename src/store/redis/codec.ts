/*
 * The bytes Redis holds, read and written the way the record script writes them
 * (Lua struct, little-endian), so doubles cross Node ↔ Lua ↔ Redis bit for bit:
 *
 *   ring slot (56 bytes)   start u32 | count u32 | cpuSum memSum cpuMin cpuMax memMin memMax f64
 *   slot offset            ((start / bucketSeconds) mod bucketCount) × 56
 *   last (24 bytes)        timeSec cpuLoad memLoad f64
 *   sample argument        nowSec timeSec cpuLoad memLoad f64 (32 bytes)
 *
 * Sums stay binary doubles end to end: text formats (HINCRBYFLOAT's long double printed
 * with 17 digits) would round, and means would drift from the in-memory store's.
 */
import { Resolution, windowStart } from '../modes';
import { Interval } from '../ring-buffer';
import { Sample } from '../store';

export const SLOT_BYTES = 56;
const LAST_BYTES = 24;
const F64_BYTES = 8;

/** The newest sample of a host as kept in its `last` key. */
export interface LastSample {
  timeSec: number;
  cpuLoad: number;
  memLoad: number;
}

export function encodeSampleArgument(nowSec: number, sample: Sample): Buffer {
  const bytes = Buffer.allocUnsafe(4 * F64_BYTES);
  bytes.writeDoubleLE(nowSec, 0);
  bytes.writeDoubleLE(sample.timeSec, 8);
  bytes.writeDoubleLE(sample.cpuLoad, 16);
  bytes.writeDoubleLE(sample.memLoad, 24);
  return bytes;
}

export function decodeLast(bytes: Buffer | null): LastSample | undefined {
  if (bytes === null || bytes.length < LAST_BYTES) return undefined;
  return { timeSec: bytes.readDoubleLE(0), cpuLoad: bytes.readDoubleLE(8), memLoad: bytes.readDoubleLE(16) };
}

/** The whole window of one ring at `nowSec`, oldest first; a missing key reads as all empty. */
export function decodeWindow(ring: Buffer | null, r: Resolution, nowSec: number): Interval[] {
  const { bucketSeconds, bucketCount } = r;
  const firstStartSec = windowStart(r, nowSec);
  const intervals: Interval[] = new Array(bucketCount);
  for (let k = 0; k < bucketCount; k++) {
    const startSec = firstStartSec + k * bucketSeconds;
    const at = ((startSec / bucketSeconds) % bucketCount) * SLOT_BYTES;
    const live = ring !== null && at + SLOT_BYTES <= ring.length && ring.readUInt32LE(at) === startSec && ring.readUInt32LE(at + 4) !== 0;
    if (!live) {
      intervals[k] = { startSec, samples: 0, cpuMean: null, memMean: null, cpuMin: null, cpuMax: null, memMin: null, memMax: null };
      continue;
    }
    const samples = ring.readUInt32LE(at + 4);
    intervals[k] = {
      startSec,
      samples,
      cpuMean: ring.readDoubleLE(at + 8) / samples,
      memMean: ring.readDoubleLE(at + 16) / samples,
      cpuMin: ring.readDoubleLE(at + 24),
      cpuMax: ring.readDoubleLE(at + 32),
      memMin: ring.readDoubleLE(at + 40),
      memMax: ring.readDoubleLE(at + 48),
    };
  }
  return intervals;
}
