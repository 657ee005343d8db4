/*
 * The bytes Redis holds, read and written the way the record script writes them
 * (Lua struct, little-endian), so doubles cross Node ↔ Lua ↔ Redis bit for bit. Two
 * strings per host (keys.ts):
 *
 *   front                FRONT_BYTES (200), then the pending samples
 *     HEAD_OFFSETS[mode] the heads, one slot per ring in RING_OFFSETS order: the bucket of
 *                        the newest folded sample in that ring
 *     LAST_OFFSET (168)  last: timeSec cpuLoad memLoad, then the rings string's length in
 *                        bytes, f64 each (LAST_BYTES, 32): the script reads it with last
 *                        instead of asking STRLEN
 *     FRONT_BYTES ...    pending samples, ENTRY_BYTES (32) each: timeSec cpuLoad memLoad
 *                        nowSec, each no older than the one before and all in last's hour,
 *                        added to the heads and rings when the record script folds them
 *   rings                RINGS_BYTES, 144 × 56 = 8,064
 *     RING_OFFSETS[mode] the rings in RING_ORDER, widest first (last_day, last_hour,
 *                        last_minute), each bucketCount slots of SLOT_BYTES, laid out as
 *                        store/slot-bytes.ts draws a slot
 *     slot offset        RING_OFFSETS[mode] + slotIndex(start) × SLOT_BYTES (the ring's own slot rule)
 *
 *   record argument      the samples as entries: timeSec cpuLoad memLoad nowSec, f64 each
 *
 * So a front's last 32 bytes are always its host's newest sample: the newest pending one,
 * or last when none is pending. Readers of the newest sample alone read those
 * (GETRANGE -32 -1); readers of the heads get the front from a script that folds first.
 *
 * Why pending samples: adding a sample to the heads means reading, unpacking, packing and
 * writing the 200 bytes, most of a single sample's cost inside Redis. Appending it as it
 * came is one command; the script folds them PENDING_MAX at a time (scripts.ts).
 *
 * Why heads: nearly every sample lands in the bucket of the host's newest sample, at every
 * resolution. Kept beside last, those three buckets are read and written with last in one
 * command each, where slots inside the rings cost the script a command each. A head that
 * holds samples is the truth for its bucket; the ring slot its bucket maps to is stale
 * until the newest sample moves to a later bucket, when the script copies the head there
 * and empties it. Readers lay the head over its slot (ringOf). An empty head hides
 * nothing: its ring slot is read as it is.
 *
 * A rings string is only as long as the widest-first rings its samples reached: a host
 * that reports once an hour holds last_day (1,344 bytes), not three rings. Reads past the
 * end of a short string come back short, and decode as empty slots.
 *
 * Sums stay binary doubles end to end: text formats (HINCRBYFLOAT's long double printed
 * with 17 digits) would round, and means would drift from the in-memory store's.
 */
import { MODES, Mode, RESOLUTIONS, Resolution } from '../modes';
import { SLOT_BYTES, slotIndex, walkWindow } from '../ring-buffer';
import { intervalAt, slotSampleCount, slotStartSec } from '../slot-bytes';
import { Interval, Sample } from '../store';

export const LAST_BYTES = 32;
const LAST_SAMPLE_BYTES = 24;
const F64_BYTES = 8;
/** A sample as the record script takes it and keeps it pending: timeSec cpuLoad memLoad nowSec. */
export const ENTRY_BYTES = 4 * F64_BYTES;

/** The rings in the order they sit in a host's string: widest first, so a host seen rarely keeps a short string. */
export const RING_ORDER: readonly Mode[] = [...MODES].sort(
  (a, b) => RESOLUTIONS[b].bucketSeconds * RESOLUTIONS[b].bucketCount - RESOLUTIONS[a].bucketSeconds * RESOLUTIONS[a].bucketCount,
);

/** Where each ring's head sits in a host's front. */
export const HEAD_OFFSETS: Readonly<Record<Mode, number>> = offsetsFrom(0, () => SLOT_BYTES);

/** Where last sits in a host's front: after the heads, so with nothing pending it ends the string. */
export const LAST_OFFSET = RING_ORDER.length * SLOT_BYTES;

/** Bytes of a host's front without pending samples: the heads, then last. */
export const FRONT_BYTES = LAST_OFFSET + LAST_BYTES;

/** Where each ring starts in a host's rings string. */
export const RING_OFFSETS: Readonly<Record<Mode, number>> = offsetsFrom(0, (mode) => ringBytes(mode));

/** Bytes of a host's rings string, every ring reached. */
export const RINGS_BYTES = MODES.reduce((bytes, mode) => bytes + ringBytes(mode), 0);

function ringBytes(mode: Mode): number {
  return RESOLUTIONS[mode].bucketCount * SLOT_BYTES;
}

/** Offsets of one part per mode, in RING_ORDER, laid end to end from `from`. */
function offsetsFrom(from: number, bytesOf: (mode: Mode) => number): Record<Mode, number> {
  const offsets = {} as Record<Mode, number>;
  let at = from;
  for (const mode of RING_ORDER) {
    offsets[mode] = at;
    at += bytesOf(mode);
  }
  return offsets;
}

/** The newest sample of a host as kept at the start of its string. */
export interface LastSample {
  timeSec: number;
  cpuLoad: number;
  memLoad: number;
}

/** The record script's argument: each sample as an entry at `nowSec`, in the order they are to be added. */
export function encodeSamples(nowSec: number, samples: readonly Sample[]): Buffer {
  const bytes = Buffer.allocUnsafe(samples.length * ENTRY_BYTES);
  let at = 0;
  for (const { timeSec, cpuLoad, memLoad } of samples) {
    at = bytes.writeDoubleLE(timeSec, at);
    at = bytes.writeDoubleLE(cpuLoad, at);
    at = bytes.writeDoubleLE(memLoad, at);
    at = bytes.writeDoubleLE(nowSec, at);
  }
  return bytes;
}

/**
 * The newest sample from a front's last LAST_BYTES (GETRANGE -32 -1: the newest pending
 * entry, or last); a missing key (null or empty) reads as none.
 */
export function decodeLast(bytes: Buffer | null): LastSample | undefined {
  if (bytes === null || bytes.length < LAST_SAMPLE_BYTES) return undefined;
  return { timeSec: bytes.readDoubleLE(0), cpuLoad: bytes.readDoubleLE(8), memLoad: bytes.readDoubleLE(16) };
}

/** The newest sample of a folded front (as the windows script answers it); empty reads as none. */
export function decodeFrontLast(front: Buffer): LastSample | undefined {
  return decodeLast(front.subarray(LAST_OFFSET, LAST_OFFSET + LAST_BYTES));
}

/** The last byte (inclusive, for GETRANGE) of a host's rings string a window of `mode` needs: through the end of that ring. */
export function ringsEnd(mode: Mode): number {
  return RING_OFFSETS[mode] + ringBytes(mode) - 1;
}

/**
 * The ring of `mode` out of a host's rings string (or of its first bytes, through ringsEnd),
 * with the head from its front laid over the slot of the head's bucket: the bytes of
 * `rings` are changed in place, so the ring reads as the in-memory store's.
 */
export function ringOf(front: Buffer, rings: Buffer, mode: Mode): Buffer {
  const ring = rings.subarray(RING_OFFSETS[mode], RING_OFFSETS[mode] + ringBytes(mode));
  const head = HEAD_OFFSETS[mode];
  if (ring.length === ringBytes(mode) && front.length >= head + SLOT_BYTES && slotSampleCount(front, head) !== 0) {
    front.copy(ring, slotIndex(slotStartSec(front, head), RESOLUTIONS[mode]) * SLOT_BYTES, head, head + SLOT_BYTES);
  }
  return ring;
}

/** The whole window of one ring at `nowSec`, oldest first; a missing key reads as all empty. */
export function decodeWindow(ring: Buffer | null, r: Resolution, nowSec: number): Interval[] {
  return walkWindow(r, nowSec, (i, startSec) => {
    const at = i * SLOT_BYTES;
    return ring !== null && at + SLOT_BYTES <= ring.length ? intervalAt(ring, at, startSec) : undefined;
  });
}
