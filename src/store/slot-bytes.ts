/*
 * One ring slot as bytes, the way a Redis ring string (written by the record script) and a
 * snapshot record both hold it, little-endian:
 *
 *   start u32 | count u32 | cpuSum memSum cpuMin cpuMax memMin memMax f64     SLOT_BYTES (56)
 *
 * The same fields as a slot of a SeriesBuffer (ring-buffer.ts), where the statistics come
 * first; doubles are copied bit for bit, so means read back equal the in-memory store's.
 */
import { STATS_PER_SLOT, SeriesBuffer, metaIndex, statsIndex } from './ring-buffer';
import { Interval } from './store';

const COUNT_AT = 4;
const STATS_AT = 8;
const F64_BYTES = 8;

export function slotStartSec(bytes: Buffer, at: number): number {
  return bytes.readUInt32LE(at);
}

export function slotSampleCount(bytes: Buffer, at: number): number {
  return bytes.readUInt32LE(at + COUNT_AT);
}

/** The bucket starting at `startSec` as the slot at `at` holds it, or undefined when it holds another or none. */
export function intervalAt(bytes: Buffer, at: number, startSec: number): Interval | undefined {
  const samples = slotSampleCount(bytes, at);
  if (slotStartSec(bytes, at) !== startSec || samples === 0) return undefined;
  const stat = (k: number): number => bytes.readDoubleLE(at + STATS_AT + k * F64_BYTES);
  return {
    startSec,
    samples,
    cpuMean: stat(0) / samples,
    memMean: stat(1) / samples,
    cpuMin: stat(2),
    cpuMax: stat(3),
    memMin: stat(4),
    memMax: stat(5),
  };
}

/** Writes slot `slot` of `series` at `pos`; returns the position after it. */
export function writeSlot(out: Buffer, pos: number, series: SeriesBuffer, slot: number): number {
  const m = metaIndex(slot);
  pos = out.writeUInt32LE(series.meta[m], pos);
  pos = out.writeUInt32LE(series.meta[m + 1], pos);
  for (let k = 0, s = statsIndex(slot); k < STATS_PER_SLOT; k++) pos = out.writeDoubleLE(series.stats[s + k], pos);
  return pos;
}

/** Copies the slot at `at` into slot `slot` of `series`. */
export function readSlot(bytes: Buffer, at: number, series: SeriesBuffer, slot: number): void {
  const m = metaIndex(slot);
  series.meta[m] = slotStartSec(bytes, at);
  series.meta[m + 1] = slotSampleCount(bytes, at);
  for (let k = 0, s = statsIndex(slot); k < STATS_PER_SLOT; k++) series.stats[s + k] = bytes.readDoubleLE(at + STATS_AT + k * F64_BYTES);
}
