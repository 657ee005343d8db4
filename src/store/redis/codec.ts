/*
 * The bytes Redis holds, read and written the way the record script writes them
 * (Lua struct, little-endian), so doubles cross Node ↔ Lua ↔ Redis bit for bit:
 *
 *   ring slot              SLOT_BYTES, laid out as store/slot-bytes.ts draws it
 *   slot offset            slotIndex(start) × SLOT_BYTES (the ring's own slot rule)
 *   last (24 bytes)        timeSec cpuLoad memLoad f64
 *   sample argument        nowSec timeSec cpuLoad memLoad f64 (32 bytes)
 *
 * Sums stay binary doubles end to end: text formats (HINCRBYFLOAT's long double printed
 * with 17 digits) would round, and means would drift from the in-memory store's.
 */
import { Resolution } from '../modes';
import { SLOT_BYTES, walkWindow } from '../ring-buffer';
import { intervalAt } from '../slot-bytes';
import { Interval, Sample } from '../store';

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
  return walkWindow(r, nowSec, (i, startSec) => {
    const at = i * SLOT_BYTES;
    return ring !== null && at + SLOT_BYTES <= ring.length ? intervalAt(ring, at, startSec) : undefined;
  });
}
