import { hostWindows, windowTotalsOf } from '../../src/fleet/host-windows';
import { HostStore } from '../../src/store/host-store';
import { MODES } from '../../src/store/modes';
import { HostFilter, Store } from '../../src/store/store';

const NOW_SEC = Date.UTC(2026, 10, 27, 14, 5, 30) / 1000;
const EVERY_HOST: HostFilter = () => true;

/** The same store without its own hostWindows, as a store that lacks one (Redis) is read. */
function withoutHostWindows(store: HostStore): Store {
  return {
    maxHosts: store.maxHosts,
    record: (...args) => store.record(...args),
    recordBatch: (...args) => store.recordBatch(...args),
    report: (...args) => store.report(...args),
    hosts: (...args) => store.hosts(...args),
    forget: (...args) => store.forget(...args),
  };
}

function filledStore(): HostStore {
  const store = new HostStore();
  // web-01: three samples, two in one second; db-01: one 5 minutes ago; old-1: 2 hours ago.
  store.record('web-01', { timeSec: NOW_SEC - 2, cpuLoad: 10, memLoad: 40 }, NOW_SEC);
  store.record('web-01', { timeSec: NOW_SEC, cpuLoad: 20, memLoad: 50 }, NOW_SEC);
  store.record('web-01', { timeSec: NOW_SEC, cpuLoad: 33, memLoad: 51 }, NOW_SEC);
  store.record('db-01', { timeSec: NOW_SEC - 300, cpuLoad: 7, memLoad: 8 }, NOW_SEC);
  store.record('old-1', { timeSec: NOW_SEC - 7200, cpuLoad: 1, memLoad: 2 }, NOW_SEC);
  return store;
}

describe('HostStore.hostWindows', () => {
  it('sums every live bucket of the window, sorted by host', () => {
    expect(filledStore().hostWindows('last_minute', NOW_SEC, EVERY_HOST)).toEqual([
      { host: 'db-01', lastSeenSec: NOW_SEC - 300, cpuLoad: 7, memLoad: 8, window: { samples: 0, cpuSum: 0, memSum: 0 } },
      { host: 'old-1', lastSeenSec: NOW_SEC - 7200, cpuLoad: 1, memLoad: 2, window: { samples: 0, cpuSum: 0, memSum: 0 } },
      { host: 'web-01', lastSeenSec: NOW_SEC, cpuLoad: 33, memLoad: 51, window: { samples: 3, cpuSum: 63, memSum: 141 } },
    ]);
  });

  it('reads a bucket left from the previous lap of the ring as empty', () => {
    const store = filledStore();
    expect(store.hostWindows('last_minute', NOW_SEC + 60, EVERY_HOST).map((h) => h.window.samples)).toEqual([0, 0, 0]);
    expect(store.hostWindows('last_minute', NOW_SEC + 59, EVERY_HOST).map((h) => h.window.samples)).toEqual([0, 0, 2]);
  });

  it('asks the filter with each host name and newest-sample time, and sums only what it takes', () => {
    const asked: [string, number][] = [];
    const windows = filledStore().hostWindows('last_hour', NOW_SEC, (host, lastSeenSec) => {
      asked.push([host, lastSeenSec]);
      return host !== 'web-01';
    });
    expect(new Set(asked)).toEqual(
      new Set([
        ['web-01', NOW_SEC],
        ['db-01', NOW_SEC - 300],
        ['old-1', NOW_SEC - 7200],
      ]),
    );
    expect(windows.map((h) => [h.host, h.window])).toEqual([
      ['db-01', { samples: 1, cpuSum: 7, memSum: 8 }],
      ['old-1', { samples: 0, cpuSum: 0, memSum: 0 }],
    ]);
  });
});

describe('hostWindows', () => {
  it.each(MODES)('gives the same hosts and totals from reports (%s) as the store gives itself', async (mode) => {
    const store = filledStore();
    expect(await hostWindows(withoutHostWindows(store), mode, NOW_SEC, EVERY_HOST)).toEqual(store.hostWindows(mode, NOW_SEC, EVERY_HOST));
  });

  it('filters before reading reports', async () => {
    const store = filledStore();
    const reported: string[] = [];
    const counting = withoutHostWindows(store);
    counting.report = (host, mode, nowSec) => {
      reported.push(host);
      return store.report(host, mode, nowSec);
    };
    const windows = await hostWindows(counting, 'last_minute', NOW_SEC, (host) => host.startsWith('web-'));
    expect(windows.map((h) => h.host)).toEqual(['web-01']);
    expect(reported).toEqual(['web-01']);
  });

  it('leaves out a host forgotten between the listing and its report', async () => {
    const store = filledStore();
    const forgetting = withoutHostWindows(store);
    forgetting.report = (host, mode, nowSec) => {
      if (host === 'db-01') store.forget(host, nowSec);
      return store.report(host, mode, nowSec);
    };
    expect((await hostWindows(forgetting, 'last_minute', NOW_SEC, EVERY_HOST)).map((h) => h.host)).toEqual(['old-1', 'web-01']);
  });
});

describe('windowTotalsOf', () => {
  it('sums mean × samples over the intervals that hold samples', () => {
    const empty = { cpuMean: null, memMean: null, cpuMin: null, cpuMax: null, memMin: null, memMax: null };
    const interval = { cpuMin: 0, cpuMax: 0, memMin: 0, memMax: 0 };
    expect(
      windowTotalsOf([
        { startSec: 0, samples: 2, cpuMean: 15, memMean: 45, ...interval },
        { startSec: 1, samples: 0, ...empty },
        { startSec: 2, samples: 1, cpuMean: 4, memMean: 5, ...interval },
      ]),
    ).toEqual({ samples: 3, cpuSum: 34, memSum: 95 });
  });
});
