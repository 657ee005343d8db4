/*
 * Reads a snapshot (layout in format.ts) back into an empty HostStore at start-up. It reads
 * the file a megabyte at a time, so a 800 MB snapshot never sits in memory twice, and it
 * blocks: nothing is served until the store is whole. Buckets and hosts that left their
 * window while the server was down are dropped on the way in.
 *
 * Any damage stops start-up: a server that starts empty over a bad file would overwrite the
 * only copy of the history at its next snapshot.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { HostStore } from '../store/host-store';
import { SLOT_BYTES } from '../store/ring-buffer';
import { isExpired } from '../store/store';
import {
  MAGIC,
  MAX_RECORD_BYTES,
  RECORD_HEAD_BYTES,
  SnapshotFormatError,
  checkMagicAndVersion,
  decodeHeaderTail,
  decodeRecordHead,
  decodeSlots,
} from './format';

const READ_BYTES = 1024 * 1024;

/** Sequential reads from a file descriptor with a running CRC-32 of everything taken. */
class ChecksummedReader {
  private readonly buffer = Buffer.alloc(READ_BYTES + MAX_RECORD_BYTES);
  private start = 0;
  private end = 0;
  private eof = false;
  /** File offset of buffer[start]. */
  offset = 0;
  crc = 0;

  constructor(private readonly fd: number) {}

  /** The next `n` bytes; throws naming `where` when the file ends first. */
  take(n: number, where: string, checksummed = true): Buffer {
    if (this.end - this.start < n) this.fill(n);
    if (this.end - this.start < n) {
      throw new SnapshotFormatError(`truncated: the file ends at byte ${this.offset + this.end - this.start}, inside ${where}`);
    }
    const bytes = this.buffer.subarray(this.start, this.start + n);
    if (checksummed) this.crc = crc32(bytes, this.crc);
    this.start += n;
    this.offset += n;
    return bytes;
  }

  /** Bytes left after the current position (reads to the end of the file). */
  remaining(): number {
    let left = this.end - this.start;
    while (!this.eof) {
      const read = readSync(this.fd, this.buffer, 0, this.buffer.length, null);
      if (read === 0) this.eof = true;
      left += read;
    }
    return left;
  }

  private fill(n: number): void {
    // Slices handed out earlier are consumed before the next take(), so moving bytes is safe.
    this.buffer.copyWithin(0, this.start, this.end);
    this.end -= this.start;
    this.start = 0;
    while (this.end < n && !this.eof) {
      const read = readSync(this.fd, this.buffer, this.end, this.buffer.length - this.end, null);
      if (read === 0) this.eof = true;
      this.end += read;
    }
  }
}

export interface LoadResult {
  hosts: number; // restored
  droppedHosts: number; // in the file, but silent for longer than the last_day window
  bytes: number;
  savedAtSec: number;
}

/** Error for a file that exists but cannot be used; the message names the file. */
export class SnapshotLoadError extends Error {
  constructor(filePath: string, reason: string) {
    super(`snapshot ${filePath}: ${reason}`);
    this.name = 'SnapshotLoadError';
  }
}

/**
 * Restores every host of the snapshot at `filePath` into `store` (expected empty) as seen at
 * `nowSec`. Returns undefined when there is no file yet. On error the store holds part of
 * the file and should be discarded.
 */
export function loadSnapshot(filePath: string, store: HostStore, nowSec: number): LoadResult | undefined {
  let fd: number;
  try {
    fd = openSync(filePath, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new SnapshotLoadError(filePath, `cannot be opened (${code ?? String(err)})`);
  }
  try {
    return readInto(new ChecksummedReader(fd), store, nowSec);
  } catch (err) {
    if (err instanceof SnapshotFormatError) throw new SnapshotLoadError(filePath, err.message);
    const code = (err as NodeJS.ErrnoException).code;
    throw new SnapshotLoadError(filePath, `cannot be read (${code ?? String(err)})`);
  } finally {
    closeSync(fd);
  }
}

function readInto(reader: ChecksummedReader, store: HostStore, nowSec: number): LoadResult {
  checkMagicAndVersion(reader.take(MAGIC.length + 4, 'the header'));
  const savedAtSec = decodeHeaderTail(reader.take(12, 'the header'));
  let records = 0;
  let hosts = 0;
  for (;;) {
    const where = `host record ${records + 1}`;
    const nameWhere = `${where} or the end marker`;
    const nameBytes = reader.take(1, nameWhere)[0];
    if (nameBytes === 0) break;
    records++;
    const host = reader.take(nameBytes, where).toString('utf8');
    const head = decodeRecordHead(reader.take(RECORD_HEAD_BYTES, where));
    const slots = reader.take(head.liveSlots.length * SLOT_BYTES, where);
    if (isExpired(head.lastSeenSec, nowSec)) continue;
    if (store.size >= store.maxHosts) {
      // Dropping hosts to fit would lose history without a word; the operator decides.
      throw new SnapshotFormatError(
        `holds more live hosts than the cap of ${store.maxHosts}; raise SERVERTRACK_MAX_HOSTS or move the file away`,
      );
    }
    const state = store.restore(host, head);
    if (state === undefined) throw new SnapshotFormatError(`corrupt: ${where} repeats host '${host}'`);
    decodeSlots(slots, head.liveSlots, state, nowSec, `${where} ('${host}')`);
    hosts++;
  }
  const hostCount = reader.take(4, 'the trailer').readUInt32LE(0);
  const computedCrc = reader.crc;
  const storedCrc = reader.take(4, 'the trailer', false).readUInt32LE(0);
  if (storedCrc !== computedCrc) {
    throw new SnapshotFormatError(`corrupt: checksum ${hex(storedCrc)} in the file, ${hex(computedCrc)} computed`);
  }
  if (hostCount !== records) throw new SnapshotFormatError(`corrupt: the trailer counts ${hostCount} hosts, the file holds ${records}`);
  const bytes = reader.offset;
  const extra = reader.remaining();
  if (extra > 0) throw new SnapshotFormatError(`corrupt: ${extra} bytes after the trailer`);
  return { hosts, droppedHosts: records - hosts, bytes, savedAtSec };
}

function hex(crc: number): string {
  return `0x${crc.toString(16).padStart(8, '0')}`;
}
