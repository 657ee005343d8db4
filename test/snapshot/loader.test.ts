import { readFileSync, writeFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { loadSnapshot } from '../../src/snapshot/loader';
import { writeSnapshot } from '../../src/snapshot/writer';
import { HostStore, RINGS } from '../../src/store/host-store';
import { metaIndex } from '../../src/store/ring-buffer';
import { SECONDS_PER_HOUR } from '../../src/store/time';
import { NOW_SEC, TempFolder, readable, sampleStore, tempFolder } from '../helpers/snapshot-files';

// Sizes of sampleStore() at NOW_SEC, worked out from the layout in format.ts:
// header 24; web-1: 1 + 5 + 42 + 6 live slots × 56 = 384; db-1: 1 + 4 + 42 + 3 × 56 = 215; end 9.
const WEB_1_AT = 24;
const DB_1_AT = WEB_1_AT + 384;
const END_AT = DB_1_AT + 215;
const FILE_BYTES = END_AT + 9;
// web-1's first live slot is slot 25 (the bucket of NOW_SEC - 5); its start, count, then cpuSum.
const WEB_1_FIRST_SLOT_AT = WEB_1_AT + 1 + 5 + 42;

function emptyStore(): HostStore {
  return new HostStore();
}

/** Rewrites the trailer's checksum, so a structural fault is met on its own. */
function resealed(bytes: Buffer): Buffer {
  bytes.writeUInt32LE(crc32(bytes.subarray(0, bytes.length - 4)), bytes.length - 4);
  return bytes;
}

describe('loadSnapshot', () => {
  let temp: TempFolder;
  let file: string;
  let original: Buffer;

  beforeEach(async () => {
    temp = tempFolder();
    file = temp.file('servertrack.snapshot');
    await writeSnapshot(sampleStore(), file, NOW_SEC);
    original = readFileSync(file);
  });

  afterEach(() => temp.remove());

  describe('when the file was just written', () => {
    it('restores every host and every report exactly', () => {
      const store = emptyStore();
      expect(loadSnapshot(file, store, NOW_SEC)).toEqual({ hosts: 2, droppedHosts: 0, bytes: FILE_BYTES, savedAtSec: NOW_SEC });
      expect(readable(store, NOW_SEC)).toEqual(readable(sampleStore(), NOW_SEC));
      expect(original.length).toBe(FILE_BYTES);
    });
  });

  describe('when the server was down for a while', () => {
    it('drops the buckets that left their window and keeps the rest', () => {
      const laterSec = NOW_SEC + 2 * 60; // both minute buckets and nothing else have left
      const store = emptyStore();
      loadSnapshot(file, store, laterSec);
      const liveSlots = [...store.states(laterSec)].map(([host, state]) => [host, liveSlotsByRing(state.series.meta)]);
      expect(liveSlots).toEqual([
        ['web-1', [0, 2, 2]],
        ['db-1', [0, 1, 1]],
      ]);
      expect(readable(store, laterSec)).toEqual(readable(sampleStore(), laterSec));
    });

    it('drops the hosts whose newest sample left the last_day window', () => {
      const laterSec = NOW_SEC + 24 * SECONDS_PER_HOUR; // the hour of NOW_SEC is now one past the window
      const store = emptyStore();
      expect(loadSnapshot(file, store, laterSec)).toEqual({ hosts: 0, droppedHosts: 2, bytes: FILE_BYTES, savedAtSec: NOW_SEC });
      expect(store.size).toBe(0);
    });
  });

  describe('when the file holds more live hosts than the host cap', () => {
    it('refuses it, naming the cap and the setting to raise', () => {
      const store = new HostStore({ maxHosts: 1 });
      expect(() => loadSnapshot(file, store, NOW_SEC)).toThrow(
        `snapshot ${file}: holds more live hosts than the cap of 1; raise SERVERTRACK_MAX_HOSTS or move the file away`,
      );
    });

    it('loads it when the hosts over the cap have expired', () => {
      const laterSec = NOW_SEC + 24 * SECONDS_PER_HOUR;
      const store = new HostStore({ maxHosts: 1 });
      expect(loadSnapshot(file, store, laterSec)).toMatchObject({ hosts: 0, droppedHosts: 2 });
    });
  });

  describe('when there is no file yet', () => {
    it('answers undefined and leaves the store empty', () => {
      const store = emptyStore();
      expect(loadSnapshot(temp.file('absent'), store, NOW_SEC)).toBeUndefined();
      expect(store.size).toBe(0);
    });
  });

  describe('when the file is damaged', () => {
    function loadError(bytes: Buffer): string {
      writeFileSync(file, bytes);
      try {
        loadSnapshot(file, emptyStore(), NOW_SEC);
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error('loaded a damaged file');
    }

    it('names a file that is not a snapshot', () => {
      const bytes = Buffer.from(original);
      bytes.write('X', 0, 'latin1');
      expect(loadError(bytes)).toBe(`snapshot ${file}: not a ServerTrack snapshot (bad magic bytes)`);
      expect(loadError(Buffer.from('cpuload=1&memload=2\n'))).toBe(`snapshot ${file}: not a ServerTrack snapshot (bad magic bytes)`);
    });

    it('names an unknown format version', () => {
      const bytes = Buffer.from(original);
      bytes.writeUInt32LE(2, 8);
      expect(loadError(bytes)).toBe(`snapshot ${file}: unknown format version 2 (this build reads version 1)`);
    });

    it('names a header written for another ring layout', () => {
      const bytes = resealed(Buffer.from(original));
      bytes.writeUInt32LE(150, 12);
      expect(loadError(resealed(bytes))).toBe(`snapshot ${file}: corrupt: 150 slots per host in the header, this build keeps 144`);
    });

    it('names a checksum that does not match', () => {
      const bytes = Buffer.from(original);
      bytes[WEB_1_FIRST_SLOT_AT + 8 + 5] ^= 0x10; // a bit inside web-1's first cpuSum: a plausible number still
      const stored = original
        .readUInt32LE(FILE_BYTES - 4)
        .toString(16)
        .padStart(8, '0');
      const computed = crc32(bytes.subarray(0, FILE_BYTES - 4))
        .toString(16)
        .padStart(8, '0');
      expect(loadError(bytes)).toBe(`snapshot ${file}: corrupt: checksum 0x${stored} in the file, 0x${computed} computed`);
    });

    it.each([
      [0, 'the header'],
      [11, 'the header'],
      [23, 'the header'],
      [WEB_1_AT, 'host record 1 or the end marker'],
      [WEB_1_AT + 3, 'host record 1'],
      [WEB_1_FIRST_SLOT_AT + 20, 'host record 1'],
      [DB_1_AT, 'host record 2 or the end marker'],
      [END_AT - 1, 'host record 2'],
      [END_AT, 'host record 3 or the end marker'],
      [END_AT + 1, 'the trailer'],
      [FILE_BYTES - 4, 'the trailer'],
      [FILE_BYTES - 1, 'the trailer'],
    ])('names a file cut at byte %p, inside %s', (length, where) => {
      expect(loadError(original.subarray(0, length))).toBe(`snapshot ${file}: truncated: the file ends at byte ${length}, inside ${where}`);
    });

    it('names bytes after the trailer', () => {
      expect(loadError(Buffer.concat([original, Buffer.from('extra')]))).toBe(`snapshot ${file}: corrupt: 5 bytes after the trailer`);
    });

    it('names a trailer whose host count disagrees', () => {
      const bytes = Buffer.from(original);
      bytes.writeUInt32LE(3, END_AT + 1);
      expect(loadError(resealed(bytes))).toBe(`snapshot ${file}: corrupt: the trailer counts 3 hosts, the file holds 2`);
    });

    it('names a bucket stored in a slot it cannot belong to', () => {
      const bytes = Buffer.from(original);
      expect(bytes.readUInt32LE(WEB_1_FIRST_SLOT_AT)).toBe(NOW_SEC - 5);
      bytes.writeUInt32LE(NOW_SEC - 4, WEB_1_FIRST_SLOT_AT);
      expect(loadError(resealed(bytes))).toBe(
        `snapshot ${file}: corrupt: host record 1 ('web-1'), slot 25 cannot hold bucket ${NOW_SEC - 4} with 1 samples`,
      );
    });

    it('names a live slot with no sample', () => {
      const bytes = Buffer.from(original);
      bytes.writeUInt32LE(0, WEB_1_FIRST_SLOT_AT + 4);
      expect(loadError(resealed(bytes))).toBe(
        `snapshot ${file}: corrupt: host record 1 ('web-1'), slot 25 cannot hold bucket ${NOW_SEC - 5} with 0 samples`,
      );
    });

    it('names a host stored twice', () => {
      const db1 = original.subarray(DB_1_AT, END_AT);
      const end = Buffer.alloc(9);
      end.writeUInt32LE(3, 1);
      const bytes = Buffer.concat([original.subarray(0, END_AT), db1, end]);
      expect(loadError(resealed(bytes))).toBe(`snapshot ${file}: corrupt: host record 3 repeats host 'db-1'`);
    });

    it('names a path that is a folder', () => {
      expect(() => loadSnapshot(temp.folder, emptyStore(), NOW_SEC)).toThrow(`snapshot ${temp.folder}: cannot be read (EISDIR)`);
    });
  });
});

/** How many slots hold a sample in each ring (minute, hour, day), read from the raw counts. */
function liveSlotsByRing(meta: Uint32Array): number[] {
  return RINGS.map((ring) => {
    let live = 0;
    for (let slot = ring.firstSlot; slot < ring.firstSlot + ring.slotCount; slot++) if (meta[metaIndex(slot) + 1] !== 0) live++;
    return live;
  });
}
