/*
 * The bytes Redis holds, read and written the way the record script writes them
 * (Lua struct, little-endian), so doubles cross Node ↔ Lua ↔ Redis bit for bit. One
 * string per host (keys.ts):
 *
 *   offset 0             last: timeSec cpuLoad memLoad, then the string's own length in
 *                        bytes, f64 each (LAST_BYTES, 32): the script reads it with last
 *                        instead of asking STRLEN
 *   RING_OFFSETS[mode]   the rings in RING_ORDER, widest first (last_day, last_hour,
 *                        last_minute), each bucketCount slots of SLOT_BYTES, laid out as
 *                        store/slot-bytes.ts draws a slot
 *   slot offset          RING_OFFSETS[mode] + slotIndex(start) × SLOT_BYTES (the ring's own slot rule)
 *   SERIES_BYTES         32 + 144 × 56 = 8,096
 *
 *   record argument      nowSec, then timeSec cpuLoad memLoad per sample, f64 each
 *
 * A string is only as long as the widest-first rings its samples reached: a host that
 * reports once an hour holds last and last_day (1,376 bytes), not three rings. Reads past
 * the end of a short string come back short, and decode as empty slots.
 *
 * Sums stay binary doubles end to end: text formats (HINCRBYFLOAT's long double printed
 * with 17 digits) would round, and means would drift from the in-memory store's.
 */
import { MODES, Mode, RESOLUTIONS, Resolution } from '../modes';
import { SLOT_BYTES, walkWindow } from '../ring-buffer';
import { intervalAt } from '../slot-bytes';
import { Interval, Sample } from '../store';

export const LAST_BYTES = 32;
const LAST_SAMPLE_BYTES = 24;
const F64_BYTES = 8;
const SAMPLE_BYTES = 3 * F64_BYTES;

/** The rings in the order they sit in a host's string: widest first, so a host seen rarely keeps a short string. */
export const RING_ORDER: readonly Mode[] = [...MODES].sort(
  (a, b) => RESOLUTIONS[b].bucketSeconds * RESOLUTIONS[b].bucketCount - RESOLUTIONS[a].bucketSeconds * RESOLUTIONS[a].bucketCount,
);

function ringOffsets(): Record<Mode, number> {
  const offsets = {} as Record<Mode, number>;
  let at = LAST_BYTES;
  for (const mode of RING_ORDER) {
    offsets[mode] = at;
    at += RESOLUTIONS[mode].bucketCount * SLOT_BYTES;
  }
  return offsets;
}

/** Where each ring starts in a host's string. */
export const RING_OFFSETS: Readonly<Record<Mode, number>> = ringOffsets();

/** Bytes of a host's string: last, then every ring. */
export const SERIES_BYTES = LAST_BYTES + MODES.reduce((bytes, mode) => bytes + RESOLUTIONS[mode].bucketCount * SLOT_BYTES, 0);

/** The newest sample of a host as kept at the start of its string. */
export interface LastSample {
  timeSec: number;
  cpuLoad: number;
  memLoad: number;
}

/** The record script's argument: `nowSec`, then each sample, in the order they are to be added. */
export function encodeSamples(nowSec: number, samples: readonly Sample[]): Buffer {
  const bytes = Buffer.allocUnsafe(F64_BYTES + samples.length * SAMPLE_BYTES);
  let at = bytes.writeDoubleLE(nowSec, 0);
  for (const { timeSec, cpuLoad, memLoad } of samples) {
    at = bytes.writeDoubleLE(timeSec, at);
    at = bytes.writeDoubleLE(cpuLoad, at);
    at = bytes.writeDoubleLE(memLoad, at);
  }
  return bytes;
}

/** The newest sample from the first bytes of a host's string; a missing key (null or empty) reads as none. */
export function decodeLast(bytes: Buffer | null): LastSample | undefined {
  if (bytes === null || bytes.length < LAST_SAMPLE_BYTES) return undefined;
  return { timeSec: bytes.readDoubleLE(0), cpuLoad: bytes.readDoubleLE(8), memLoad: bytes.readDoubleLE(16) };
}

/** The byte range (inclusive, for GETRANGE) from the start of a host's string to the end of `mode`'s ring: last and that ring in one read. */
export function reportRange(mode: Mode): { fromByte: number; toByte: number } {
  return { fromByte: 0, toByte: RING_OFFSETS[mode] + RESOLUTIONS[mode].bucketCount * SLOT_BYTES - 1 };
}

/** The ring of `mode` out of a host's string (or of its first bytes, as reportRange reads them). */
export function ringOf(series: Buffer, mode: Mode): Buffer {
  return series.subarray(RING_OFFSETS[mode], RING_OFFSETS[mode] + RESOLUTIONS[mode].bucketCount * SLOT_BYTES);
}

/** The whole window of one ring at `nowSec`, oldest first; a missing key reads as all empty. */
export function decodeWindow(ring: Buffer | null, r: Resolution, nowSec: number): Interval[] {
  return walkWindow(r, nowSec, (i, startSec) => {
    const at = i * SLOT_BYTES;
    return ring !== null && at + SLOT_BYTES <= ring.length ? intervalAt(ring, at, startSec) : undefined;
  });
}
