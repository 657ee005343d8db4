/*
 * Snapshot file format, version 1. Little-endian throughout, no padding.
 *
 *   file    = header record* end
 *   header  = magic "SRVTRACK" (8 bytes) | version u32 (1) | slotsPerHost u32 (144) | savedAtSec f64
 *   record  = nameLength u8 (1..255) | name (UTF-8)
 *             | lastSeenSec f64 | lastCpuLoad f64 | lastMemLoad f64
 *             | liveBits (18 bytes: bit s, byte s >> 3, mask 1 << (s & 7), set = slot s follows)
 *             | slot* (ascending slot index, one per set bit)
 *   slot    = SLOT_BYTES (56), laid out as store/slot-bytes.ts draws it
 *   end     = 0x00 | hostCount u32 | crc32 u32 (CRC-32 of every byte before it)
 *
 * Only live slots are written: a slot from an earlier lap reads as empty anyway, and a host
 * that samples every 10 s fills about 90 of its 144 slots. A record is at most 8,362 bytes.
 * The end marker is a zero name length, so the writer need not know the host count up
 * front and can stream hosts as it meets them.
 */
import { crc32 } from 'node:zlib';
import { HostState, RINGS, SLOT_COUNT } from '../store/host-store';
import { Ring, SLOT_BYTES } from '../store/ring-buffer';
import { readSlot, slotSampleCount, slotStartSec, writeSlot } from '../store/slot-bytes';

export const MAGIC = Buffer.from('SRVTRACK', 'latin1');
const FORMAT_VERSION = 1;
const HEADER_BYTES = MAGIC.length + 4 + 4 + 8;
const LIVE_BITS_BYTES = Math.ceil(SLOT_COUNT / 8);
const MAX_NAME_BYTES = 255;
/** The newest sample (three f64) and the live bits: what sits between the name and the slots. */
export const RECORD_HEAD_BYTES = 3 * 8 + LIVE_BITS_BYTES;
export const MAX_RECORD_BYTES = 1 + MAX_NAME_BYTES + RECORD_HEAD_BYTES + SLOT_COUNT * SLOT_BYTES;
const END_BYTES = 1 + 4 + 4;

/** A file that cannot be read back; the message says why, the loader adds the file name. */
export class SnapshotFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotFormatError';
  }
}

/** The ring each slot index of a host's buffer belongs to. */
const SLOT_RING: Ring[] = RINGS.flatMap((ring) => new Array<Ring>(ring.slotCount).fill(ring));

/** True when `slot` holds a bucket still inside its ring's window at `nowSec`. */
function isLiveSlot(series: HostState['series'], slot: number, nowSec: number): boolean {
  return SLOT_RING[slot].holdsLive(series, slot, nowSec);
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
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    if (!isLiveSlot(state.series, slot, nowSec)) continue;
    out[bitsAt + (slot >> 3)] |= 1 << (slot & 7);
    pos = writeSlot(out, pos, state.series, slot);
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

interface RecordHead {
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
  let pos = 0;
  for (const slot of liveSlots) {
    const ring = SLOT_RING[slot];
    const startSec = slotStartSec(bytes, pos);
    const count = slotSampleCount(bytes, pos);
    if (count === 0 || ring.slotOf(startSec) !== slot || startSec % ring.resolution.bucketSeconds !== 0) {
      throw new SnapshotFormatError(`corrupt: ${where}, slot ${slot} cannot hold bucket ${startSec} with ${count} samples`);
    }
    if (ring.inWindow(startSec, nowSec)) readSlot(bytes, pos, state.series, slot);
    pos += SLOT_BYTES;
  }
}
