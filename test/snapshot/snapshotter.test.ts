import { readFileSync } from 'node:fs';
import { Snapshotter } from '../../src/snapshot/snapshotter';
import { writeSnapshot } from '../../src/snapshot/writer';
import { HostStore } from '../../src/store/host-store';
import { fakeClock } from '../helpers/fake-clock';
import { MemoryLogger, memoryLogger } from '../helpers/memory-logger';
import { NOW_SEC, TempFolder, readable, sampleStore, tempFolder } from '../helpers/snapshot-files';

const SAMPLE_STORE_BYTES = 632;

describe('Snapshotter', () => {
  let temp: TempFolder;
  let file: string;
  let log: MemoryLogger;

  beforeEach(() => {
    temp = tempFolder();
    file = temp.file('servertrack.snapshot');
    log = memoryLogger();
  });

  afterEach(() => {
    jest.useRealTimers();
    temp.remove();
  });

  function snapshotter(store: HostStore, options: Partial<ConstructorParameters<typeof Snapshotter>[0]> = {}): Snapshotter {
    return new Snapshotter({ store, clock: fakeClock(NOW_SEC), logger: log.logger, filePath: file, intervalSec: 60, ...options });
  }

  function messages(): unknown[] {
    return log.lines().map(({ level, msg }) => [level, msg]);
  }

  describe('load', () => {
    it('starts empty and says so when there is no file yet', () => {
      const store = new HostStore();
      expect(snapshotter(store).load()).toBeUndefined();
      expect(log.lines()).toMatchObject([{ level: 30, path: file, msg: 'no snapshot yet; starting empty' }]);
    });

    it('restores the file and logs what it read', async () => {
      await writeSnapshot(sampleStore(), file, NOW_SEC - 3);
      const store = new HostStore();
      snapshotter(store).load();
      expect(readable(store, NOW_SEC)).toEqual(readable(sampleStore(), NOW_SEC));
      expect(log.lines()).toEqual([
        expect.objectContaining({
          level: 30,
          path: file,
          hosts: 2,
          droppedHosts: 0,
          bytes: SAMPLE_STORE_BYTES,
          savedAt: '2023-11-14T22:30:27Z',
          durationMs: expect.any(Number),
          msg: 'snapshot loaded',
        }),
      ]);
    });

    it('stops start-up naming a folder that cannot be written', () => {
      const inAbsentFolder = temp.file('absent/servertrack.snapshot');
      expect(() => snapshotter(new HostStore(), { filePath: inAbsentFolder }).load()).toThrow(
        `snapshot ${inAbsentFolder}: folder ${temp.file('absent')} is not writable (ENOENT)`,
      );
    });
  });

  describe('stop', () => {
    it('writes the store once more and logs one line for it', async () => {
      expect(await snapshotter(sampleStore()).stop()).toEqual({ hosts: 2, bytes: SAMPLE_STORE_BYTES, durationMs: expect.any(Number) });
      expect(readFileSync(file).length).toBe(SAMPLE_STORE_BYTES);
      expect(log.lines()).toEqual([
        expect.objectContaining({
          level: 30,
          path: file,
          hosts: 2,
          bytes: SAMPLE_STORE_BYTES,
          durationMs: expect.any(Number),
          msg: 'snapshot written',
        }),
      ]);
    });

    it('logs a failed write, rejects, and keeps the previous file', async () => {
      await writeSnapshot(new HostStore(), file, NOW_SEC);
      const previous = readFileSync(file);
      const failing = snapshotter(sampleStore(), {
        hooks: { beforeRename: () => Promise.reject(new Error('disk gone')) },
      });
      await expect(failing.stop()).rejects.toThrow('disk gone');
      expect(readFileSync(file)).toEqual(previous);
      expect(messages()).toEqual([[50, 'snapshot write failed; the previous snapshot is kept']]);
    });
  });

  describe('the interval', () => {
    it('writes nothing before the interval has passed', async () => {
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
      const snapshots = snapshotter(sampleStore());
      snapshots.start();
      jest.advanceTimersByTime(59_999);
      await snapshots.stop();
      expect(messages()).toEqual([[30, 'snapshot written']]);
    });

    it('writes once per interval, and stop() waits for a write in progress before its own', async () => {
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
      const snapshots = snapshotter(sampleStore());
      snapshots.start();
      jest.advanceTimersByTime(60_000);
      await snapshots.stop();
      expect(messages()).toEqual([
        [30, 'snapshot written'],
        [30, 'snapshot written'],
      ]);
    });
  });
});
