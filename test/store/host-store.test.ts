import { HostStore } from '../../src/store/host-store';
import { Mode, RESOLUTIONS } from '../../src/store/modes';
import { Interval } from '../../src/store/store';
import { SECONDS_PER_HOUR, SECONDS_PER_MINUTE } from '../../src/store/time';
import { FakeClock, fakeClock } from '../helpers/fake-clock';

// 2023-11-14T22:00:00Z, the start of an hour.
const HOUR_SEC = 1_699_999_200;
// 2023-11-14T22:30:30Z: mid-hour and mid-minute, so each resolution has a different bucket start.
const NOW_SEC = HOUR_SEC + 30 * SECONDS_PER_MINUTE + 30;
const MINUTE_SEC = HOUR_SEC + 30 * SECONDS_PER_MINUTE;
const DAY_SEC = 24 * SECONDS_PER_HOUR;

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

/** The whole window of `mode` whose oldest bucket starts at `firstStartSec`, empty except `filled`. */
function windowOf(mode: Mode, firstStartSec: number, ...filled: Interval[]): Interval[] {
  const { bucketSeconds, bucketCount } = RESOLUTIONS[mode];
  return Array.from({ length: bucketCount }, (_, k) => {
    const startSec = firstStartSec + k * bucketSeconds;
    return filled.find((interval) => interval.startSec === startSec) ?? empty(startSec);
  });
}

// Oldest bucket start of each window at NOW_SEC, written out rather than computed.
const FIRST_SEC_AT_NOW: Record<Mode, number> = {
  last_minute: NOW_SEC - 59, // 22:29:31
  last_hour: MINUTE_SEC - 59 * SECONDS_PER_MINUTE, // 21:31
  last_day: HOUR_SEC - 23 * SECONDS_PER_HOUR, // 23:00 the day before
};

function newStore(startSec = NOW_SEC): { store: HostStore; clock: FakeClock } {
  const clock = fakeClock(startSec);
  return { store: new HostStore(), clock };
}

describe('HostStore', () => {
  describe('when nothing was recorded', () => {
    it('reports an unknown host as undefined and lists no hosts', () => {
      const { store, clock } = newStore();
      expect(store.report('web-1', 'last_minute', clock())).toBeUndefined();
      expect(store.hosts(clock())).toEqual([]);
      expect(store.size).toBe(0);
      expect(store.sweep(clock())).toBe(0);
    });
  });

  describe('when two hosts record', () => {
    it('keeps their samples apart', () => {
      const { store, clock } = newStore();
      store.record('web-1', { timeSec: NOW_SEC, cpuLoad: 10, memLoad: 20 }, clock());
      store.record('web-2', { timeSec: NOW_SEC, cpuLoad: 70, memLoad: 80 }, clock());
      expect(store.report('web-1', 'last_minute', clock())).toEqual(
        windowOf('last_minute', FIRST_SEC_AT_NOW.last_minute, single(NOW_SEC, 10, 20)),
      );
      expect(store.report('web-2', 'last_minute', clock())).toEqual(
        windowOf('last_minute', FIRST_SEC_AT_NOW.last_minute, single(NOW_SEC, 70, 80)),
      );
      expect(store.report('web-3', 'last_minute', clock())).toBeUndefined();
    });
  });

  describe('when a single sample is recorded', () => {
    let store: HostStore;
    beforeEach(() => {
      store = newStore(NOW_SEC + 0.75).store;
      store.record('web-1', { timeSec: NOW_SEC + 0.25, cpuLoad: 12.5, memLoad: 40 }, NOW_SEC + 0.75);
    });

    it('shows it in the second in progress of last_minute', () => {
      expect(store.report('web-1', 'last_minute', NOW_SEC + 0.75)).toEqual(
        windowOf('last_minute', FIRST_SEC_AT_NOW.last_minute, single(NOW_SEC, 12.5, 40)),
      );
    });

    it('shows it in the minute in progress of last_hour', () => {
      expect(store.report('web-1', 'last_hour', NOW_SEC + 0.75)).toEqual(
        windowOf('last_hour', FIRST_SEC_AT_NOW.last_hour, single(MINUTE_SEC, 12.5, 40)),
      );
    });

    it('shows it in the hour in progress of last_day', () => {
      expect(store.report('web-1', 'last_day', NOW_SEC + 0.75)).toEqual(
        windowOf('last_day', FIRST_SEC_AT_NOW.last_day, single(HOUR_SEC, 12.5, 40)),
      );
    });

    it('returns every window in full, oldest first', () => {
      expect(store.report('web-1', 'last_minute', NOW_SEC + 0.75)).toHaveLength(60);
      expect(store.report('web-1', 'last_hour', NOW_SEC + 0.75)).toHaveLength(60);
      expect(store.report('web-1', 'last_day', NOW_SEC + 0.75)).toHaveLength(24);
    });
  });

  describe('when the time is passed in', () => {
    it('uses that time instead of the clock for record and report', () => {
      const { store, clock } = newStore();
      store.record('web-1', { timeSec: NOW_SEC - 600, cpuLoad: 5, memLoad: 6 }, NOW_SEC - 600);
      clock.set(NOW_SEC + 7 * DAY_SEC);
      expect(store.report('web-1', 'last_minute', NOW_SEC - 600)).toEqual(
        windowOf('last_minute', NOW_SEC - 659, single(NOW_SEC - 600, 5, 6)),
      );
    });
  });

  describe('when the clock moves on after a sample', () => {
    it('slides the sample towards the oldest end of each window', () => {
      const { store, clock } = newStore();
      store.record('web-1', { timeSec: NOW_SEC, cpuLoad: 10, memLoad: 20 }, clock());
      clock.advance(59);
      expect(store.report('web-1', 'last_minute', clock())?.[0]).toEqual(single(NOW_SEC, 10, 20));
      clock.advance(1);
      expect(store.report('web-1', 'last_minute', clock())).toEqual(windowOf('last_minute', NOW_SEC + 1));
      expect(store.report('web-1', 'last_hour', clock())?.[58]).toEqual(single(MINUTE_SEC, 10, 20));
    });
  });

  describe('when a sample arrives late', () => {
    it('puts a 40 s old sample in its own second, its own (previous) minute and its hour', () => {
      const { store, clock } = newStore();
      store.record('web-1', { timeSec: NOW_SEC - 40, cpuLoad: 25, memLoad: 75 }, clock());
      expect(store.report('web-1', 'last_minute', clock())).toEqual(
        windowOf('last_minute', FIRST_SEC_AT_NOW.last_minute, single(NOW_SEC - 40, 25, 75)),
      );
      expect(store.report('web-1', 'last_hour', clock())).toEqual(
        windowOf('last_hour', FIRST_SEC_AT_NOW.last_hour, single(MINUTE_SEC - 60, 25, 75)),
      );
      expect(store.report('web-1', 'last_day', clock())).toEqual(windowOf('last_day', FIRST_SEC_AT_NOW.last_day, single(HOUR_SEC, 25, 75)));
    });

    it('keeps a 5 min old sample out of last_minute but in last_hour and last_day', () => {
      const { store, clock } = newStore();
      store.record('web-1', { timeSec: NOW_SEC - 300, cpuLoad: 25, memLoad: 75 }, clock());
      expect(store.report('web-1', 'last_minute', clock())).toEqual(windowOf('last_minute', FIRST_SEC_AT_NOW.last_minute));
      expect(store.report('web-1', 'last_hour', clock())).toEqual(
        windowOf('last_hour', FIRST_SEC_AT_NOW.last_hour, single(MINUTE_SEC - 300, 25, 75)),
      );
      expect(store.report('web-1', 'last_day', clock())).toEqual(windowOf('last_day', FIRST_SEC_AT_NOW.last_day, single(HOUR_SEC, 25, 75)));
    });

    it('keeps a 3 h old sample only in last_day', () => {
      const { store, clock } = newStore();
      store.record('web-1', { timeSec: NOW_SEC - 3 * SECONDS_PER_HOUR, cpuLoad: 25, memLoad: 75 }, clock());
      expect(store.report('web-1', 'last_minute', clock())).toEqual(windowOf('last_minute', FIRST_SEC_AT_NOW.last_minute));
      expect(store.report('web-1', 'last_hour', clock())).toEqual(windowOf('last_hour', FIRST_SEC_AT_NOW.last_hour));
      expect(store.report('web-1', 'last_day', clock())).toEqual(
        windowOf('last_day', FIRST_SEC_AT_NOW.last_day, single(HOUR_SEC - 3 * SECONDS_PER_HOUR, 25, 75)),
      );
    });

    it('accepts a sample in the oldest second of last_minute and drops one a second older', () => {
      const { store, clock } = newStore();
      store.record('web-1', { timeSec: NOW_SEC - 59, cpuLoad: 1, memLoad: 2 }, clock());
      store.record('web-1', { timeSec: NOW_SEC - 59.5, cpuLoad: 3, memLoad: 4 }, clock());
      expect(store.report('web-1', 'last_minute', clock())).toEqual(
        windowOf('last_minute', FIRST_SEC_AT_NOW.last_minute, single(NOW_SEC - 59, 1, 2)),
      );
      expect(store.report('web-1', 'last_hour', clock())).toEqual(
        windowOf('last_hour', FIRST_SEC_AT_NOW.last_hour, {
          startSec: MINUTE_SEC - 60,
          samples: 2,
          cpuMean: 2,
          memMean: 3,
          cpuMin: 1,
          cpuMax: 3,
          memMin: 2,
          memMax: 4,
        }),
      );
    });

    it('accepts a sample in the oldest hour of last_day', () => {
      const { store, clock } = newStore();
      store.record('web-1', { timeSec: FIRST_SEC_AT_NOW.last_day, cpuLoad: 8, memLoad: 9 }, clock());
      expect(store.report('web-1', 'last_day', clock())).toEqual(
        windowOf('last_day', FIRST_SEC_AT_NOW.last_day, single(FIRST_SEC_AT_NOW.last_day, 8, 9)),
      );
      expect(store.report('web-1', 'last_hour', clock())).toEqual(windowOf('last_hour', FIRST_SEC_AT_NOW.last_hour));
    });

    it('joins the samples already in its minute', () => {
      const { store, clock } = newStore(MINUTE_SEC + 10);
      store.record('web-1', { timeSec: MINUTE_SEC + 10, cpuLoad: 10, memLoad: 60 }, clock());
      clock.set(MINUTE_SEC + 200);
      store.record('web-1', { timeSec: MINUTE_SEC + 40, cpuLoad: 30, memLoad: 20 }, clock());
      expect(store.report('web-1', 'last_hour', clock())?.[56]).toEqual({
        startSec: MINUTE_SEC,
        samples: 2,
        cpuMean: 20,
        memMean: 40,
        cpuMin: 10,
        cpuMax: 30,
        memMin: 20,
        memMax: 60,
      });
      expect(store.report('web-1', 'last_minute', clock())).toEqual(windowOf('last_minute', MINUTE_SEC + 141));
    });
  });

  describe('when several samples share a bucket', () => {
    it('reports exact means at every resolution', () => {
      const { store, clock } = newStore();
      store.record('web-1', { timeSec: NOW_SEC, cpuLoad: 10, memLoad: 40 }, clock());
      store.record('web-1', { timeSec: NOW_SEC + 0.5, cpuLoad: 30, memLoad: 60 }, clock());
      const both = { samples: 2, cpuMean: 20, memMean: 50, cpuMin: 10, cpuMax: 30, memMin: 40, memMax: 60 };
      expect(store.report('web-1', 'last_minute', clock())?.at(-1)).toEqual({ startSec: NOW_SEC, ...both });
      expect(store.report('web-1', 'last_hour', clock())?.at(-1)).toEqual({ startSec: MINUTE_SEC, ...both });
      expect(store.report('web-1', 'last_day', clock())?.at(-1)).toEqual({ startSec: HOUR_SEC, ...both });
    });

    it('computes the mean as the float sum divided by the count', () => {
      const { store, clock } = newStore();
      store.record('web-1', { timeSec: NOW_SEC, cpuLoad: 0.1, memLoad: 0.2 }, clock());
      store.record('web-1', { timeSec: NOW_SEC, cpuLoad: 0.2, memLoad: 0.1 }, clock());
      const newest = store.report('web-1', 'last_minute', clock())?.at(-1);
      expect(newest?.cpuMean).toBe((0.1 + 0.2) / 2);
      expect(newest?.memMean).toBe((0.2 + 0.1) / 2);
      expect(newest?.cpuMean).toBe(0.15000000000000002);
    });

    it('reports the smallest and largest load across the seconds of a minute', () => {
      const { store, clock } = newStore();
      store.record('web-1', { timeSec: MINUTE_SEC + 1, cpuLoad: 50, memLoad: 5 }, clock());
      store.record('web-1', { timeSec: MINUTE_SEC + 2, cpuLoad: 20, memLoad: 90 }, clock());
      store.record('web-1', { timeSec: MINUTE_SEC + 3, cpuLoad: 80, memLoad: 41 }, clock());
      expect(store.report('web-1', 'last_hour', clock())?.at(-1)).toEqual({
        startSec: MINUTE_SEC,
        samples: 3,
        cpuMean: 50,
        memMean: 45.333333333333336,
        cpuMin: 20,
        cpuMax: 80,
        memMin: 5,
        memMax: 90,
      });
      expect(store.report('web-1', 'last_minute', clock())?.slice(30, 33)).toEqual([
        single(MINUTE_SEC + 1, 50, 5),
        single(MINUTE_SEC + 2, 20, 90),
        single(MINUTE_SEC + 3, 80, 41),
      ]);
    });
  });

  describe('hosts()', () => {
    it('takes the later-recorded of two samples with the same time as the newest', () => {
      const { store, clock } = newStore();
      store.record('web-1', { timeSec: NOW_SEC - 1, cpuLoad: 10, memLoad: 11 }, clock());
      store.record('web-1', { timeSec: NOW_SEC - 1, cpuLoad: 20, memLoad: 21 }, clock());
      expect(store.hosts(clock())).toEqual([{ host: 'web-1', lastSeenSec: NOW_SEC - 1, cpuLoad: 20, memLoad: 21 }]);
    });

    it('lists every host sorted by name with its newest sample', () => {
      const { store, clock } = newStore();
      store.record('web-2', { timeSec: NOW_SEC - 5, cpuLoad: 20, memLoad: 21 }, clock());
      store.record('db-1', { timeSec: NOW_SEC - 3, cpuLoad: 30, memLoad: 31 }, clock());
      store.record('web-10', { timeSec: NOW_SEC - 1, cpuLoad: 40, memLoad: 41 }, clock());
      store.record('web-2', { timeSec: NOW_SEC, cpuLoad: 22, memLoad: 23 }, clock());
      expect(store.hosts(clock())).toEqual([
        { host: 'db-1', lastSeenSec: NOW_SEC - 3, cpuLoad: 30, memLoad: 31 },
        { host: 'web-10', lastSeenSec: NOW_SEC - 1, cpuLoad: 40, memLoad: 41 },
        { host: 'web-2', lastSeenSec: NOW_SEC, cpuLoad: 22, memLoad: 23 },
      ]);
    });

    it('keeps the newest sample when a late one arrives', () => {
      const { store, clock } = newStore();
      store.record('web-1', { timeSec: NOW_SEC, cpuLoad: 10, memLoad: 11 }, clock());
      store.record('web-1', { timeSec: NOW_SEC - 120, cpuLoad: 90, memLoad: 91 }, clock());
      expect(store.hosts(clock())).toEqual([{ host: 'web-1', lastSeenSec: NOW_SEC, cpuLoad: 10, memLoad: 11 }]);
    });
  });

  describe('recordBatch()', () => {
    it('records every entry, in order, exactly as record() would', () => {
      const { store, clock } = newStore();
      store.recordBatch(
        [
          { host: 'web-1', sample: { timeSec: NOW_SEC, cpuLoad: 10, memLoad: 20 } },
          { host: 'web-2', sample: { timeSec: NOW_SEC, cpuLoad: 70, memLoad: 80 } },
          { host: 'web-1', sample: { timeSec: NOW_SEC, cpuLoad: 30, memLoad: 40 } },
        ],
        clock(),
      );
      expect(store.report('web-1', 'last_minute', clock())?.at(-1)).toEqual({
        startSec: NOW_SEC,
        samples: 2,
        cpuMean: 20,
        memMean: 30,
        cpuMin: 10,
        cpuMax: 30,
        memMin: 20,
        memMax: 40,
      });
      expect(store.hosts(clock())).toEqual([
        { host: 'web-1', lastSeenSec: NOW_SEC, cpuLoad: 30, memLoad: 40 },
        { host: 'web-2', lastSeenSec: NOW_SEC, cpuLoad: 70, memLoad: 80 },
      ]);
    });

    it('judges late samples against the time passed in, not the clock', () => {
      const { store } = newStore();
      store.recordBatch([{ host: 'web-1', sample: { timeSec: NOW_SEC, cpuLoad: 10, memLoad: 20 } }], NOW_SEC + 60);
      expect(store.report('web-1', 'last_minute', NOW_SEC + 60)).toEqual(windowOf('last_minute', FIRST_SEC_AT_NOW.last_minute + 60));
      expect(store.report('web-1', 'last_hour', NOW_SEC + 60)?.at(-2)).toEqual(single(MINUTE_SEC, 10, 20));
    });

    it('does nothing for an empty batch', () => {
      const { store, clock } = newStore();
      store.recordBatch([], clock());
      expect(store.size).toBe(0);
    });
  });

  describe('forget()', () => {
    it('drops the host and its data and leaves the others', () => {
      const { store, clock } = newStore();
      store.record('web-1', { timeSec: NOW_SEC, cpuLoad: 10, memLoad: 11 }, clock());
      store.record('web-2', { timeSec: NOW_SEC, cpuLoad: 20, memLoad: 21 }, clock());
      expect(store.forget('web-1', clock())).toBe(true);
      expect(store.report('web-1', 'last_day', clock())).toBeUndefined();
      expect(store.hosts(clock())).toEqual([{ host: 'web-2', lastSeenSec: NOW_SEC, cpuLoad: 20, memLoad: 21 }]);
      expect(store.size).toBe(1);
    });

    it('returns false for a host it does not hold', () => {
      const { store, clock } = newStore();
      store.record('web-1', { timeSec: NOW_SEC, cpuLoad: 10, memLoad: 11 }, clock());
      store.forget('web-1', clock());
      expect(store.forget('web-1', clock())).toBe(false);
      expect(store.forget('web-9', clock())).toBe(false);
    });

    it('starts a host recorded again from empty rings', () => {
      const { store, clock } = newStore();
      store.record('web-1', { timeSec: NOW_SEC - 1, cpuLoad: 10, memLoad: 11 }, clock());
      store.forget('web-1', clock());
      store.record('web-1', { timeSec: NOW_SEC, cpuLoad: 30, memLoad: 31 }, clock());
      expect(store.report('web-1', 'last_minute', clock())).toEqual(
        windowOf('last_minute', FIRST_SEC_AT_NOW.last_minute, single(NOW_SEC, 30, 31)),
      );
      expect(store.report('web-1', 'last_day', clock())).toEqual(windowOf('last_day', FIRST_SEC_AT_NOW.last_day, single(HOUR_SEC, 30, 31)));
    });
  });

  describe('when a host falls silent', () => {
    it('still reports it in the last second before its hour leaves last_day', () => {
      const { store, clock } = newStore(HOUR_SEC);
      store.record('web-1', { timeSec: HOUR_SEC, cpuLoad: 10, memLoad: 20 }, clock());
      clock.set(HOUR_SEC + DAY_SEC - 1);
      expect(store.report('web-1', 'last_day', clock())).toEqual(windowOf('last_day', HOUR_SEC, single(HOUR_SEC, 10, 20)));
      expect(store.report('web-1', 'last_minute', clock())).toEqual(windowOf('last_minute', HOUR_SEC + DAY_SEC - 60));
      expect(store.sweep(clock())).toBe(0);
      expect(store.size).toBe(1);
    });

    it('reports it as undefined once its newest hour leaves last_day', () => {
      const { store, clock } = newStore(HOUR_SEC + 59 * SECONDS_PER_MINUTE);
      store.record('web-1', { timeSec: HOUR_SEC + 59 * SECONDS_PER_MINUTE, cpuLoad: 10, memLoad: 20 }, clock());
      clock.set(HOUR_SEC + DAY_SEC);
      expect(store.report('web-1', 'last_day', clock())).toBeUndefined();
      expect(store.size).toBe(0);
      expect(store.hosts(clock())).toEqual([]);
    });

    it('leaves it out of hosts() and forgets it there', () => {
      const { store, clock } = newStore();
      store.record('web-1', { timeSec: NOW_SEC, cpuLoad: 10, memLoad: 20 }, clock());
      store.record('web-2', { timeSec: NOW_SEC + DAY_SEC, cpuLoad: 30, memLoad: 40 }, NOW_SEC + DAY_SEC);
      clock.set(NOW_SEC + DAY_SEC);
      expect(store.size).toBe(2);
      expect(store.hosts(clock())).toEqual([{ host: 'web-2', lastSeenSec: NOW_SEC + DAY_SEC, cpuLoad: 30, memLoad: 40 }]);
      expect(store.size).toBe(1);
    });

    it('counts it in sweep() and leaves live hosts', () => {
      const { store, clock } = newStore();
      store.record('web-1', { timeSec: NOW_SEC, cpuLoad: 10, memLoad: 20 }, clock());
      store.record('web-2', { timeSec: NOW_SEC, cpuLoad: 10, memLoad: 20 }, clock());
      store.record('web-3', { timeSec: NOW_SEC + DAY_SEC, cpuLoad: 30, memLoad: 40 }, NOW_SEC + DAY_SEC);
      clock.set(NOW_SEC + DAY_SEC);
      expect(store.sweep(clock())).toBe(2);
      expect(store.size).toBe(1);
      expect(store.sweep(clock())).toBe(0);
      expect(store.report('web-3', 'last_minute', clock())?.at(-1)).toEqual(single(NOW_SEC + DAY_SEC, 30, 40));
    });

    it('leaves it out of countHosts() and forgets it there', () => {
      const { store, clock } = newStore();
      store.record('web-1', { timeSec: NOW_SEC, cpuLoad: 10, memLoad: 20 }, clock());
      store.record('web-2', { timeSec: NOW_SEC + DAY_SEC, cpuLoad: 30, memLoad: 40 }, NOW_SEC + DAY_SEC);
      expect(store.countHosts(clock())).toBe(2);
      clock.set(NOW_SEC + DAY_SEC);
      expect(store.countHosts(clock())).toBe(1);
      expect(store.size).toBe(1);
    });

    it('reads a host silent for a week as gone in every mode', () => {
      const { store, clock } = newStore();
      store.record('web-1', { timeSec: NOW_SEC, cpuLoad: 10, memLoad: 20 }, clock());
      clock.advance(7 * DAY_SEC);
      expect(store.report('web-1', 'last_minute', clock())).toBeUndefined();
      expect(store.report('web-1', 'last_hour', clock())).toBeUndefined();
      expect(store.report('web-1', 'last_day', clock())).toBeUndefined();
      expect(store.hosts(clock())).toEqual([]);
      expect(store.size).toBe(0);
    });

    it('starts from empty rings when the host comes back after a week', () => {
      const { store, clock } = newStore();
      store.record('web-1', { timeSec: NOW_SEC, cpuLoad: 10, memLoad: 20 }, clock());
      clock.advance(7 * DAY_SEC);
      store.record('web-1', { timeSec: NOW_SEC + 7 * DAY_SEC, cpuLoad: 30, memLoad: 40 }, clock());
      expect(store.report('web-1', 'last_day', clock())).toEqual(
        windowOf('last_day', FIRST_SEC_AT_NOW.last_day + 7 * DAY_SEC, single(HOUR_SEC + 7 * DAY_SEC, 30, 40)),
      );
      expect(store.report('web-1', 'last_minute', clock())).toEqual(
        windowOf('last_minute', FIRST_SEC_AT_NOW.last_minute + 7 * DAY_SEC, single(NOW_SEC + 7 * DAY_SEC, 30, 40)),
      );
    });
  });

  describe('size', () => {
    it('counts each host once however many samples it sent', () => {
      const { store, clock } = newStore();
      for (let k = 0; k < 10; k++) store.record('web-1', { timeSec: NOW_SEC - k, cpuLoad: k, memLoad: k }, clock());
      store.record('web-2', { timeSec: NOW_SEC, cpuLoad: 1, memLoad: 1 }, clock());
      expect(store.size).toBe(2);
    });

    it('still counts an expired host until it is swept or read', () => {
      const { store, clock } = newStore();
      store.record('web-1', { timeSec: NOW_SEC, cpuLoad: 10, memLoad: 20 }, clock());
      clock.advance(2 * DAY_SEC);
      expect(store.size).toBe(1);
      expect(store.sweep(clock())).toBe(1);
      expect(store.size).toBe(0);
    });
  });

  describe('states and restore, for snapshots', () => {
    it('lists live hosts in the order they were first seen, skipping those silent for a day', () => {
      const { store, clock } = newStore();
      store.record('web-2', { timeSec: NOW_SEC, cpuLoad: 1, memLoad: 2 }, clock());
      store.record('old-1', { timeSec: HOUR_SEC - 23 * SECONDS_PER_HOUR, cpuLoad: 3, memLoad: 4 }, clock());
      store.record('web-1', { timeSec: NOW_SEC - 1, cpuLoad: 5, memLoad: 6 }, clock());
      const later = NOW_SEC + SECONDS_PER_HOUR; // old-1's hour has left the last_day window
      expect([...store.states(later)].map(([host, state]) => [host, state.lastSeenSec, state.lastCpuLoad, state.lastMemLoad])).toEqual([
        ['web-2', NOW_SEC, 1, 2],
        ['web-1', NOW_SEC - 1, 5, 6],
      ]);
    });

    it('visits a host added while the iteration is paused, and skips one deleted meanwhile', () => {
      const { store, clock } = newStore();
      store.record('a', { timeSec: NOW_SEC, cpuLoad: 1, memLoad: 1 }, clock());
      store.record('b', { timeSec: NOW_SEC, cpuLoad: 1, memLoad: 1 }, clock());
      const states = store.states(NOW_SEC);
      expect(states.next().value?.[0]).toBe('a');
      store.forget('b', clock());
      store.record('c', { timeSec: NOW_SEC, cpuLoad: 1, memLoad: 1 }, clock());
      expect([...states].map(([host]) => host)).toEqual(['c']);
    });

    it('restores a new host with empty rings and its newest sample, and refuses a known one', () => {
      const { store, clock } = newStore();
      const state = store.restore('web-1', { lastSeenSec: NOW_SEC, lastCpuLoad: 12.5, lastMemLoad: 40 });
      expect(state?.series.meta.every((v) => v === 0)).toBe(true);
      expect(store.hosts(clock())).toEqual([{ host: 'web-1', lastSeenSec: NOW_SEC, cpuLoad: 12.5, memLoad: 40 }]);
      expect(store.report('web-1', 'last_minute', clock())).toEqual(windowOf('last_minute', FIRST_SEC_AT_NOW.last_minute));
      expect(store.restore('web-1', { lastSeenSec: NOW_SEC, lastCpuLoad: 0, lastMemLoad: 0 })).toBeUndefined();
      expect(store.hosts(clock())).toEqual([{ host: 'web-1', lastSeenSec: NOW_SEC, cpuLoad: 12.5, memLoad: 40 }]);
    });
  });
});

describe('HostStore writes outside the bucket in progress', () => {
  /** Each host's lateWrites for `mode`, as a visit hands them. */
  function lateWrites(store: HostStore, mode: Mode, nowSec: number): Record<string, number> {
    const seen: Record<string, number> = {};
    void store.visitHosts(nowSec, mode, (host, _newest, ring) => {
      seen[host] = ring?.lateWrites ?? -1;
    });
    return seen;
  }

  it('counts, per host and ring, the samples that land outside its bucket in progress', () => {
    const store = new HostStore();
    store.record('web-1', { timeSec: NOW_SEC, cpuLoad: 1, memLoad: 1 }, NOW_SEC);
    // 5 s back: late for last_minute only; 2 min back: late for last_hour (outside last_minute's window, not written there).
    store.record('web-1', { timeSec: NOW_SEC - 5, cpuLoad: 1, memLoad: 1 }, NOW_SEC);
    store.record('web-2', { timeSec: NOW_SEC - 2 * SECONDS_PER_MINUTE, cpuLoad: 1, memLoad: 1 }, NOW_SEC);
    // Ahead of the clock by 2 s: outside last_minute's bucket in progress too.
    store.record('web-2', { timeSec: NOW_SEC + 2, cpuLoad: 1, memLoad: 1 }, NOW_SEC);
    expect(lateWrites(store, 'last_minute', NOW_SEC)).toEqual({ 'web-1': 1, 'web-2': 1 });
    expect(lateWrites(store, 'last_hour', NOW_SEC)).toEqual({ 'web-1': 0, 'web-2': 1 });
    expect(lateWrites(store, 'last_day', NOW_SEC)).toEqual({ 'web-1': 0, 'web-2': 0 });
  });

  it('moves bucketEpoch when a record or a visit finds the bucket in progress moved, and only then', () => {
    const store = new HostStore();
    const first = store.bucketEpoch('last_hour', NOW_SEC);
    store.record('web-1', { timeSec: NOW_SEC, cpuLoad: 1, memLoad: 1 }, NOW_SEC + 29);
    expect(store.bucketEpoch('last_hour', NOW_SEC + 29)).toBe(first);
    expect(store.bucketEpoch('last_minute', NOW_SEC + 29)).not.toBe(store.bucketEpoch('last_minute', NOW_SEC));
    // The next minute, by a record; then back, by a visit: two moves.
    store.record('web-1', { timeSec: NOW_SEC + 30, cpuLoad: 1, memLoad: 1 }, NOW_SEC + 30);
    void store.visitHosts(NOW_SEC, 'last_hour', () => undefined);
    expect(store.bucketEpoch('last_hour', NOW_SEC)).toBe(first + 2);
  });
});
