import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { loadSnapshot } from '../../src/snapshot/loader';
import { writeSnapshot } from '../../src/snapshot/writer';
import { HostStore } from '../../src/store/host-store';
import { NOW_SEC, TempFolder, readable, sampleStore, tempFolder } from '../helpers/snapshot-files';

const MINUTE_START_SEC = NOW_SEC - 30; // 22:30:00
const HOUR_START_SEC = NOW_SEC - 30 * 60 - 30; // 22:00:00

describe('writeSnapshot', () => {
  let temp: TempFolder;
  let file: string;

  beforeEach(() => {
    temp = tempFolder();
    file = temp.file('servertrack.snapshot');
  });

  afterEach(() => temp.remove());

  describe('when one host holds one sample', () => {
    it('writes the documented layout byte for byte', async () => {
      const store = new HostStore();
      store.record('a', { timeSec: NOW_SEC, cpuLoad: 12.5, memLoad: 40 }, NOW_SEC);

      expect(await writeSnapshot(store, file, NOW_SEC)).toEqual({ hosts: 1, bytes: 245, durationMs: expect.any(Number) });

      const bytes = readFileSync(file);
      expect(bytes.length).toBe(245);
      expect(bytes.toString('latin1', 0, 8)).toBe('SRVTRACK');
      expect([bytes.readUInt32LE(8), bytes.readUInt32LE(12), bytes.readDoubleLE(16)]).toEqual([1, 144, NOW_SEC]);
      // Record: name, newest sample, live bits for slots 30 (minute), 90 (hour), 142 (day).
      expect([bytes[24], bytes.toString('utf8', 25, 26)]).toEqual([1, 'a']);
      expect([bytes.readDoubleLE(26), bytes.readDoubleLE(34), bytes.readDoubleLE(42)]).toEqual([NOW_SEC, 12.5, 40]);
      const liveBits = Buffer.alloc(18);
      liveBits[3] = 0x40;
      liveBits[11] = 0x04;
      liveBits[17] = 0x40;
      expect(bytes.subarray(50, 68)).toEqual(liveBits);
      const slots = [0, 1, 2].map((k) => {
        const at = 68 + 56 * k;
        return [bytes.readUInt32LE(at), bytes.readUInt32LE(at + 4), ...[0, 1, 2, 3, 4, 5].map((s) => bytes.readDoubleLE(at + 8 + 8 * s))];
      });
      expect(slots).toEqual([
        [NOW_SEC, 1, 12.5, 40, 12.5, 12.5, 40, 40],
        [MINUTE_START_SEC, 1, 12.5, 40, 12.5, 12.5, 40, 40],
        [HOUR_START_SEC, 1, 12.5, 40, 12.5, 12.5, 40, 40],
      ]);
      // End: marker, host count, CRC-32 of everything before it.
      expect([bytes[236], bytes.readUInt32LE(237), bytes.readUInt32LE(241)]).toEqual([0, 1, crc32(bytes.subarray(0, 241))]);
    });
  });

  describe('when some buckets have left their window', () => {
    it('writes only the slots still live', async () => {
      const laterSec = NOW_SEC + 2 * 60; // the two minute buckets of web-1 and the one of db-1 are gone
      expect(await writeSnapshot(sampleStore(), file, laterSec)).toEqual({
        hosts: 2,
        bytes: 24 + (1 + 5 + 42 + 4 * 56) + (1 + 4 + 42 + 2 * 56) + 9,
        durationMs: expect.any(Number),
      });
    });
  });

  describe('when the store spans many chunks', () => {
    it('writes every host, and reads back the same', async () => {
      const store = new HostStore();
      for (let h = 0; h < 1_000; h++) {
        for (let s = 0; s < 60; s++) store.record(`host-${h}`, { timeSec: NOW_SEC - s * 61, cpuLoad: (h + s) % 101, memLoad: s }, NOW_SEC);
      }
      const written = await writeSnapshot(store, file, NOW_SEC);
      expect(written.hosts).toBe(1_000);
      // Each host: 1 minute, 59 hour and 2 day slots live; names of 6, 7 or 8 bytes. Many 256 KiB chunks.
      expect(written.bytes).toBe(24 + 1_000 * (1 + 42 + 62 * 56) + (10 * 6 + 90 * 7 + 900 * 8) + 9);
      expect(readFileSync(file).length).toBe(written.bytes);

      const restored = new HostStore();
      expect(loadSnapshot(file, restored, NOW_SEC)).toMatchObject({ hosts: 1_000, droppedHosts: 0 });
      expect(readable(restored, NOW_SEC)).toEqual(readable(store, NOW_SEC));
    });
  });

  describe('when it fails between writing and renaming', () => {
    it('leaves the previous snapshot whole and removes its temporary file', async () => {
      await writeSnapshot(sampleStore(), file, NOW_SEC);
      const previous = readFileSync(file);
      const changed = sampleStore();
      changed.record('web-2', { timeSec: NOW_SEC, cpuLoad: 1, memLoad: 1 }, NOW_SEC);
      let tmpSeen = false;
      const crash = async (tmpPath: string): Promise<void> => {
        tmpSeen = existsSync(tmpPath) && readFileSync(tmpPath).length > previous.length;
        throw new Error('injected crash before rename');
      };

      await expect(writeSnapshot(changed, file, NOW_SEC, { beforeRename: crash })).rejects.toThrow('injected crash before rename');

      expect(tmpSeen).toBe(true);
      expect(readFileSync(file)).toEqual(previous);
      expect(readdirSync(temp.folder)).toEqual(['servertrack.snapshot']);
    });
  });

  describe('when the folder does not exist', () => {
    it('rejects and creates nothing', async () => {
      await expect(writeSnapshot(sampleStore(), temp.file('absent/servertrack.snapshot'), NOW_SEC)).rejects.toThrow(/ENOENT/);
      expect(readdirSync(temp.folder)).toEqual([]);
    });
  });

  describe('when a file is already there', () => {
    it('replaces it with the new content and leaves no temporary file', async () => {
      await writeSnapshot(sampleStore(), file, NOW_SEC);
      const store = new HostStore();
      store.record('a', { timeSec: NOW_SEC, cpuLoad: 12.5, memLoad: 40 }, NOW_SEC);
      await writeSnapshot(store, file, NOW_SEC);
      expect(readFileSync(file).length).toBe(245);
      expect(readdirSync(temp.folder)).toEqual(['servertrack.snapshot']);
    });
  });
});
