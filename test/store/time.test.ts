import { RESOLUTIONS, windowStart } from '../../src/store/modes';
import { SECONDS_PER_HOUR, SECONDS_PER_MINUTE, bucketStart, toIsoSecond } from '../../src/store/time';

// 2023-11-14T22:00:00Z: the start of a second, a minute and an hour at once.
const HOUR_START_SEC = 1_699_999_200;

describe('time', () => {
  describe('bucketStart', () => {
    describe('when the time is exactly the start of a bucket', () => {
      it('returns that time at every width', () => {
        expect(bucketStart(HOUR_START_SEC, 1)).toBe(HOUR_START_SEC);
        expect(bucketStart(HOUR_START_SEC, SECONDS_PER_MINUTE)).toBe(HOUR_START_SEC);
        expect(bucketStart(HOUR_START_SEC, SECONDS_PER_HOUR)).toBe(HOUR_START_SEC);
      });
    });

    describe('when the time is in the last second before the next bucket', () => {
      it('returns the start of the bucket still in progress', () => {
        expect(bucketStart(HOUR_START_SEC + 59, SECONDS_PER_MINUTE)).toBe(HOUR_START_SEC);
        expect(bucketStart(HOUR_START_SEC + 59.999, SECONDS_PER_MINUTE)).toBe(HOUR_START_SEC);
        expect(bucketStart(HOUR_START_SEC + 3_599.5, SECONDS_PER_HOUR)).toBe(HOUR_START_SEC);
        expect(bucketStart(HOUR_START_SEC + 0.999, 1)).toBe(HOUR_START_SEC);
      });

      it('moves to the next bucket on the next whole second', () => {
        expect(bucketStart(HOUR_START_SEC + 60, SECONDS_PER_MINUTE)).toBe(HOUR_START_SEC + 60);
        expect(bucketStart(HOUR_START_SEC + 3_600, SECONDS_PER_HOUR)).toBe(HOUR_START_SEC + 3_600);
        expect(bucketStart(HOUR_START_SEC + 1, 1)).toBe(HOUR_START_SEC + 1);
      });
    });

    describe('when the time has a fraction', () => {
      it('rounds down to a whole-second bucket start', () => {
        expect(bucketStart(HOUR_START_SEC + 125.75, 1)).toBe(HOUR_START_SEC + 125);
        expect(bucketStart(HOUR_START_SEC + 125.75, SECONDS_PER_MINUTE)).toBe(HOUR_START_SEC + 120);
        expect(bucketStart(HOUR_START_SEC + 125.75, SECONDS_PER_HOUR)).toBe(HOUR_START_SEC);
      });
    });

    describe('when the time is in the middle of an hour', () => {
      it('aligns to UTC minute and hour boundaries, not to the time given', () => {
        // 2023-11-14T22:13:20Z
        expect(bucketStart(1_700_000_000, SECONDS_PER_MINUTE)).toBe(1_699_999_980);
        expect(bucketStart(1_700_000_000, SECONDS_PER_HOUR)).toBe(1_699_999_200);
      });
    });
  });

  describe('toIsoSecond', () => {
    describe('when the time is a whole second', () => {
      it('formats it in UTC with second precision and a Z', () => {
        expect(toIsoSecond(1_700_000_000)).toBe('2023-11-14T22:13:20Z');
        expect(toIsoSecond(HOUR_START_SEC)).toBe('2023-11-14T22:00:00Z');
        expect(toIsoSecond(0)).toBe('1970-01-01T00:00:00Z');
      });
    });

    describe('when the time has a fraction', () => {
      it('truncates the fraction instead of rounding it', () => {
        expect(toIsoSecond(1_700_000_000.999)).toBe('2023-11-14T22:13:20Z');
        expect(toIsoSecond(HOUR_START_SEC - 0.5)).toBe('2023-11-14T21:59:59Z');
      });
    });
  });

  describe('windowStart', () => {
    const nowSec = 1_700_000_000.5; // 2023-11-14T22:13:20.5Z

    describe('for last_minute', () => {
      it('starts 59 one-second buckets before the second in progress', () => {
        expect(windowStart(RESOLUTIONS.last_minute, nowSec)).toBe(1_700_000_000 - 59);
        expect(toIsoSecond(windowStart(RESOLUTIONS.last_minute, nowSec))).toBe('2023-11-14T22:12:21Z');
      });
    });

    describe('for last_hour', () => {
      it('starts 59 one-minute buckets before the minute in progress', () => {
        expect(windowStart(RESOLUTIONS.last_hour, nowSec)).toBe(1_699_999_980 - 59 * 60);
        expect(toIsoSecond(windowStart(RESOLUTIONS.last_hour, nowSec))).toBe('2023-11-14T21:14:00Z');
      });
    });

    describe('for last_day', () => {
      it('starts 23 one-hour buckets before the hour in progress', () => {
        expect(windowStart(RESOLUTIONS.last_day, nowSec)).toBe(1_699_999_200 - 23 * 3_600);
        expect(toIsoSecond(windowStart(RESOLUTIONS.last_day, nowSec))).toBe('2023-11-13T23:00:00Z');
      });
    });

    describe('when now is the first second of a bucket', () => {
      it('already counts that new bucket as the one in progress', () => {
        expect(windowStart(RESOLUTIONS.last_day, HOUR_START_SEC)).toBe(HOUR_START_SEC - 23 * 3_600);
        expect(windowStart(RESOLUTIONS.last_day, HOUR_START_SEC - 1)).toBe(HOUR_START_SEC - 24 * 3_600);
      });
    });
  });
});
