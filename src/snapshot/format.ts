/*
 * Snapshot file format, version 1. Little-endian throughout, no padding.
 *
 *   file    = header record* end
 *   header  = magic "SRVTRACK" (8 bytes) | version u32 (1) | slotsPerHost u32 (144) | savedAtSec f64
 *   record  = nameLength u8 (1..255) | name (UTF-8)
 *             | lastSeenSec f64 | lastCpuLoad f64 | lastMemLoad f64
 *             | liveBits (18 bytes: bit s, byte s >> 3, mask 1 << (s & 7), set = slot s follows)
 *             | slot* (ascending slot index, one per set bit)
 *   slot    = startSec u32 | count u32 | cpuSum memSum cpuMin cpuMax memMin memMax f64 (56 bytes)
 *   end     = 0x00 | hostCount u32 | crc32 u32 (CRC-32 of every byte before it)
 *
 * Only live slots are written: a slot from an earlier lap reads as empty anyway, and a host
 * that samples every 10 s fills about 90 of its 144 slots. A record is at most 8,362 bytes.
 * The end marker is a zero name length, so the writer need not know the host count up
 * front and can stream hosts as it meets them.
 */
import { crc32 } from 'node:zlib';
import { Resolution, windowStart } from '../store/modes';
import { HostState, RINGS, SLOT_COUNT } from '../store/host-store';
import { STATS_PER_SLOT, metaIndex, statsIndex } from '../store/ring-buffer';

export const MAGIC = Buffer.from('SRVTRACK', 'latin1');
export const FORMAT_VERSION = 1;
export const HEADER_BYTES = MAGIC.length + 4 + 4 + 8;
export const LIVE_BITS_BYTES = Math.ceil(SLOT_COUNT / 8);
export const SLOT_BYTES = 4 + 4 + STATS_PER_SLOT * 8;
export const MAX_NAME_BYTES = 255;
/** The newest sample (three f64) and the live bits: what sits between the name and the slots. */
export const RECORD_HEAD_BYTES = 3 * 8 + LIVE_BITS_BYTES;
export const MAX_RECORD_BYTES = 1 + MAX_NAME_BYTES + RECORD_HEAD_BYTES + SLOT_COUNT * SLOT_BYTES;
export const END_BYTES = 1 + 4 + 4;

/** A file that cannot be read back; the message says why, the loader adds the file name. */
export class SnapshotFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotFormatError';
  }
}

const SLOT_RESOLUTION: Resolution[] = [];
const SLOT_RING_FIRST: number[] = [];
for (const ring of RINGS) {
  for (let k = 0; k < ring.slotCount; k++) {
    SLOT_RESOLUTION.push(ring.resolution);
    SLOT_RING_FIRST.push(ring.firstSlot);
  }
}

/** The slot a bucket starting at `startSec` belongs in, within the ring that holds slot `slot`. */
function homeSlot(slot: number, startSec: number): number {
  const { bucketSeconds, bucketCount } = SLOT_RESOLUTION[slot];
  return SLOT_RING_FIRST[slot] + (Math.floor(startSec / bucketSeconds) % bucketCount);
}

/** True when `slot` holds a bucket still inside its ring's window at `nowSec`. */
export function isLiveSlot(series: HostState['series'], slot: number, nowSec: number): boolean {
  const m = metaIndex(slot);
  return series.meta[m + 1] !== 0 && series.meta[m] >= windowStart(SLOT_RESOLUTION[slot], nowSec);
}

export function encodeHeader(savedAtSec: number): Buffer {
  const bytes = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(bytes, 0);
  bytes.writeUInt32LE(FORMAT_VERSION, 8);
  bytes.writeUInt32LE(SLOT_COUNT, 12);
  bytes.writeDoubleLE(savedAtSec, 16);
  return bytes;
}

/** Copies one host into `out` at `at`, which must have MAX_RECORD_BYTES free; returns the new end. */
export function encodeRecord(out: Buffer, at: number, host: string, state: Readonly<HostState>, nowSec: number): number {
  const nameBytes = out.write(host, at + 1, MAX_NAME_BYTES, 'utf8');
  if (nameBytes === 0 || nameBytes !== Buffer.byteLength(host)) {
    throw new SnapshotFormatError(`host name '${host}' does not fit in 1 to ${MAX_NAME_BYTES} bytes`);
  }
  out[at] = nameBytes;
  let pos = at + 1 + nameBytes;
  pos = out.writeDoubleLE(state.lastSeenSec, pos);
  pos = out.writeDoubleLE(state.lastCpuLoad, pos);
  pos = out.writeDoubleLE(state.lastMemLoad, pos);
  const bitsAt = pos;
  out.fill(0, bitsAt, bitsAt + LIVE_BITS_BYTES);
  pos += LIVE_BITS_BYTES;
  const { meta, stats } = state.series;
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    if (!isLiveSlot(state.series, slot, nowSec)) continue;
    out[bitsAt + (slot >> 3)] |= 1 << (slot & 7);
    pos = out.writeUInt32LE(meta[metaIndex(slot)], pos);
    pos = out.writeUInt32LE(meta[metaIndex(slot) + 1], pos);
    for (let k = 0, s = statsIndex(slot); k < STATS_PER_SLOT; k++) pos = out.writeDoubleLE(stats[s + k], pos);
  }
  return pos;
}

/** The end marker, host count and checksum; `crcSoFar` covers every byte written before it. */
export function encodeEnd(hostCount: number, crcSoFar: number): Buffer {
  const bytes = Buffer.alloc(END_BYTES);
  bytes.writeUInt32LE(hostCount, 1);
  bytes.writeUInt32LE(crc32(bytes.subarray(0, 5), crcSoFar), 5);
  return bytes;
}

/** Checks the first 12 bytes: magic, then version. */
export function checkMagicAndVersion(bytes: Buffer): void {
  if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new SnapshotFormatError('not a ServerTrack snapshot (bad magic bytes)');
  }
  const version = bytes.readUInt32LE(MAGIC.length);
  if (version !== FORMAT_VERSION) {
    throw new SnapshotFormatError(`unknown format version ${version} (this build reads version ${FORMAT_VERSION})`);
  }
}

/** Reads the rest of the header (slots per host, time of writing); returns savedAtSec. */
export function decodeHeaderTail(bytes: Buffer): number {
  const slotsPerHost = bytes.readUInt32LE(0);
  if (slotsPerHost !== SLOT_COUNT) {
    throw new SnapshotFormatError(`corrupt: ${slotsPerHost} slots per host in the header, this build keeps ${SLOT_COUNT}`);
  }
  return bytes.readDoubleLE(4);
}

export interface RecordHead {
  lastSeenSec: number;
  lastCpuLoad: number;
  lastMemLoad: number;
  liveSlots: number[];
}

/** Reads the fixed part after the name: the newest sample and which slots follow. */
export function decodeRecordHead(bytes: Buffer): RecordHead {
  const liveSlots: number[] = [];
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    if (bytes[24 + (slot >> 3)] & (1 << (slot & 7))) liveSlots.push(slot);
  }
  return { lastSeenSec: bytes.readDoubleLE(0), lastCpuLoad: bytes.readDoubleLE(8), lastMemLoad: bytes.readDoubleLE(16), liveSlots };
}

/**
 * Writes the slots of one record into `state`, dropping buckets that left their window by
 * `nowSec`. Throws when a bucket sits in a slot it cannot belong to or holds no sample.
 */
export function decodeSlots(bytes: Buffer, liveSlots: number[], state: HostState, nowSec: number, where: string): void {
  const { meta, stats } = state.series;
  let pos = 0;
  for (const slot of liveSlots) {
    const startSec = bytes.readUInt32LE(pos);
    const count = bytes.readUInt32LE(pos + 4);
    if (count === 0 || homeSlot(slot, startSec) !== slot || startSec % SLOT_RESOLUTION[slot].bucketSeconds !== 0) {
      throw new SnapshotFormatError(`corrupt: ${where}, slot ${slot} cannot hold bucket ${startSec} with ${count} samples`);
    }
    if (startSec >= windowStart(SLOT_RESOLUTION[slot], nowSec)) {
      meta[metaIndex(slot)] = startSec;
      meta[metaIndex(slot) + 1] = count;
      for (let k = 0, s = statsIndex(slot); k < STATS_PER_SLOT; k++) stats[s + k] = bytes.readDoubleLE(pos + 8 + 8 * k);
    }
    pos += SLOT_BYTES;
  }
}
