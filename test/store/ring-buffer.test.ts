import { Resolution } from '../../src/store/modes';
import { Ring, SeriesBuffer, allocateSeries } from '../../src/store/ring-buffer';
import { Interval } from '../../src/store/store';

// 2023-11-14T22:00:00Z: aligned to the minute, so T0 is the first second of a bucket.
const T0_SEC = 1_699_999_200;

// Four one-minute slots: small enough to write whole windows out, wide enough to hold fractions.
const FOUR_MINUTES: Resolution = { bucketSeconds: 60, bucketCount: 4 };

function empty(startSec: number): Interval {
  return { startSec, samples: 0, cpuMean: null, memMean: null, cpuMin: null, cpuMax: null, memMin: null, memMax: null };
}

function single(startSec: number, cpuLoad: number, memLoad: number): Interval {
  return {
    startSec,
    samples: 1,
    cpuMean: cpuLoad,
    memMean: memLoad,
    cpuMin: cpuLoad,
    cpuMax: cpuLoad,
    memMin: memLoad,
    memMax: memLoad,
  };
}

function newRing(resolution: Resolution = FOUR_MINUTES): { ring: Ring; series: SeriesBuffer } {
  return { ring: new Ring(resolution, 0), series: allocateSeries(resolution.bucketCount) };
}

describe('Ring', () => {
  describe('when nothing was added', () => {
    it('reads the whole window as empty intervals, oldest first', () => {
      const { ring, series } = newRing();
      expect(ring.window(series, T0_SEC + 30)).toEqual([empty(T0_SEC - 180), empty(T0_SEC - 120), empty(T0_SEC - 60), empty(T0_SEC)]);
    });

    it('reads a full-size last_minute window of 60 empty seconds', () => {
      const { ring, series } = newRing({ bucketSeconds: 1, bucketCount: 60 });
      const expected = Array.from({ length: 60 }, (_, k) => empty(T0_SEC - 59 + k));
      expect(ring.window(series, T0_SEC)).toEqual(expected);
    });
  });

  describe('when several samples land in one slot', () => {
    it('reports their count and exact means', () => {
      const { ring, series } = newRing();
      expect(ring.add(series, T0_SEC + 5, 10, 40)).toBe(ring.slotOf(T0_SEC));
      expect(ring.add(series, T0_SEC + 50, 30, 60)).toBe(ring.slotOf(T0_SEC));
      expect(ring.window(series, T0_SEC + 59).at(-1)).toEqual({
        startSec: T0_SEC,
        samples: 2,
        cpuMean: 20,
        memMean: 50,
        cpuMin: 10,
        cpuMax: 30,
        memMin: 40,
        memMax: 60,
      });
    });

    it('reports the smallest and largest load of each kind', () => {
      const { ring, series } = newRing();
      ring.add(series, T0_SEC + 1, 50, 5);
      ring.add(series, T0_SEC + 2, 20, 90);
      ring.add(series, T0_SEC + 3, 80, 40);
      expect(ring.window(series, T0_SEC + 3).at(-1)).toMatchObject({
        samples: 3,
        cpuMin: 20,
        cpuMax: 80,
        memMin: 5,
        memMax: 90,
      });
    });

    it('leaves the other slots of the window empty', () => {
      const { ring, series } = newRing();
      ring.add(series, T0_SEC - 60, 10, 20);
      ring.add(series, T0_SEC - 30, 30, 40);
      expect(ring.window(series, T0_SEC)).toEqual([
        empty(T0_SEC - 180),
        empty(T0_SEC - 120),
        { startSec: T0_SEC - 60, samples: 2, cpuMean: 20, memMean: 30, cpuMin: 10, cpuMax: 30, memMin: 20, memMax: 40 },
        empty(T0_SEC),
      ]);
    });
  });

  describe('when a sample is on the first second of a bucket', () => {
    it('lands in the bucket that starts there, not in the one before', () => {
      const { ring, series } = newRing();
      ring.add(series, T0_SEC - 0.001, 10, 10);
      ring.add(series, T0_SEC, 90, 90);
      expect(ring.window(series, T0_SEC).slice(-2)).toEqual([single(T0_SEC - 60, 10, 10), single(T0_SEC, 90, 90)]);
    });
  });

  describe('when the clock has gone a full lap', () => {
    it('reads the slot left from the previous lap as empty', () => {
      const { ring, series } = newRing();
      ring.add(series, T0_SEC, 50, 20);
      expect(ring.window(series, T0_SEC + 240)).toEqual([
        empty(T0_SEC + 60),
        empty(T0_SEC + 120),
        empty(T0_SEC + 180),
        empty(T0_SEC + 240),
      ]);
    });

    it('overwrites the reused slot instead of adding to the old lap', () => {
      const { ring, series } = newRing();
      ring.add(series, T0_SEC, 50, 20);
      ring.add(series, T0_SEC + 10, 70, 40);
      expect(ring.add(series, T0_SEC + 240, 1, 2)).toBe(ring.slotOf(T0_SEC + 240));
      expect(ring.window(series, T0_SEC + 240).at(-1)).toEqual(single(T0_SEC + 240, 1, 2));
    });

    it('keeps the buckets of the newer lap that are still in the window', () => {
      const { ring, series } = newRing({ bucketSeconds: 1, bucketCount: 60 });
      for (let k = 0; k < 90; k++) ring.add(series, T0_SEC + k, k, 100 - k);
      const expected = Array.from({ length: 60 }, (_, k) => single(T0_SEC + 30 + k, 30 + k, 70 - k));
      expect(ring.window(series, T0_SEC + 89)).toEqual(expected);
    });
  });

  describe('when the gap is longer than the whole window', () => {
    it('reads every interval as empty', () => {
      const { ring, series } = newRing();
      for (let k = 0; k < 4; k++) ring.add(series, T0_SEC + 60 * k, 10 * k, 20);
      const laterSec = T0_SEC + 180 + 10 * 240 + 60;
      expect(ring.window(series, laterSec)).toEqual([empty(laterSec - 180), empty(laterSec - 120), empty(laterSec - 60), empty(laterSec)]);
    });
  });

  describe('when the slot holds a newer bucket', () => {
    it('returns -1 and leaves the ring as it was', () => {
      const { ring, series } = newRing();
      ring.add(series, T0_SEC + 240, 50, 20);
      const before = ring.window(series, T0_SEC + 240);
      const metaBefore = Array.from(series.meta);
      const statsBefore = Array.from(series.stats);

      expect(ring.add(series, T0_SEC + 5, 99, 99)).toBe(-1);

      expect(ring.window(series, T0_SEC + 240)).toEqual(before);
      expect(ring.window(series, T0_SEC + 240).at(-1)).toEqual(single(T0_SEC + 240, 50, 20));
      expect(Array.from(series.meta)).toEqual(metaBefore);
      expect(Array.from(series.stats)).toEqual(statsBefore);
    });
  });

  describe('when two rings share one series', () => {
    it('keeps each ring inside its own slots', () => {
      const series = allocateSeries(8);
      const first = new Ring(FOUR_MINUTES, 0);
      const second = new Ring(FOUR_MINUTES, 4);
      first.add(series, T0_SEC, 10, 20);
      second.add(series, T0_SEC - 60, 30, 40);
      expect(first.window(series, T0_SEC).slice(-2)).toEqual([empty(T0_SEC - 60), single(T0_SEC, 10, 20)]);
      expect(second.window(series, T0_SEC).slice(-2)).toEqual([single(T0_SEC - 60, 30, 40), empty(T0_SEC)]);
    });
  });
});
