/*
 * The host cap of HostStore (the contract is in src/store/store.ts): new hosts beyond
 * maxHosts are refused with 'full', known hosts keep recording, forgotten and expired hosts
 * free their place, and a batch is all or nothing.
 */
import { DEFAULT_MAX_HOSTS, HostStore } from '../../src/store/host-store';
import { HostSample, Sample } from '../../src/store/store';
import { SECONDS_PER_HOUR } from '../../src/store/time';

// 2023-11-14T22:30:30Z.
const NOW_SEC = 1_699_999_200 + 30 * 60 + 30;
const DAY_SEC = 24 * SECONDS_PER_HOUR;

function sampleAt(timeSec: number, cpuLoad = 10): Sample {
  return { timeSec, cpuLoad, memLoad: 20 };
}

function entry(host: string, timeSec: number = NOW_SEC): HostSample {
  return { host, sample: sampleAt(timeSec) };
}

/** A store of `maxHosts` already holding hosts h1..h<maxHosts>, recorded at NOW_SEC. */
function fullStore(maxHosts: number): HostStore {
  const store = new HostStore({ clock: () => NOW_SEC, maxHosts });
  for (let i = 1; i <= maxHosts; i++) expect(store.record(`h${i}`, sampleAt(NOW_SEC), NOW_SEC)).toBe('recorded');
  return store;
}

function hostNames(store: HostStore, nowSec: number = NOW_SEC): string[] {
  return store.hosts(nowSec).map((h) => h.host);
}

describe('HostStore host cap', () => {
  it(`holds ${DEFAULT_MAX_HOSTS} hosts unless told otherwise`, () => {
    expect(new HostStore({ clock: () => NOW_SEC }).maxHosts).toBe(100_000);
  });

  describe('record()', () => {
    it('refuses a new host once maxHosts are held, and changes nothing', () => {
      const store = fullStore(2);
      expect(store.record('h3', sampleAt(NOW_SEC), NOW_SEC)).toBe('full');
      expect(store.size).toBe(2);
      expect(hostNames(store)).toEqual(['h1', 'h2']);
      expect(store.report('h3', 'last_minute', NOW_SEC)).toBeUndefined();
    });

    it('keeps recording known hosts when full', () => {
      const store = fullStore(2);
      expect(store.record('h1', sampleAt(NOW_SEC + 1, 50), NOW_SEC + 1)).toBe('recorded');
      expect(store.hosts(NOW_SEC + 1)[0]).toEqual({ host: 'h1', lastSeenSec: NOW_SEC + 1, cpuLoad: 50, memLoad: 20 });
    });

    it('gives the place of a forgotten host to a new one', () => {
      const store = fullStore(2);
      store.forget('h1');
      expect(store.record('h3', sampleAt(NOW_SEC), NOW_SEC)).toBe('recorded');
      expect(hostNames(store)).toEqual(['h2', 'h3']);
    });

    it('reclaims an expired host that no sweep has dropped yet', () => {
      const store = fullStore(2);
      store.record('h2', sampleAt(NOW_SEC + DAY_SEC), NOW_SEC + DAY_SEC);
      expect(store.size).toBe(2); // h1 has expired, but nothing has swept it
      expect(store.record('h3', sampleAt(NOW_SEC + DAY_SEC), NOW_SEC + DAY_SEC)).toBe('recorded');
      expect(hostNames(store, NOW_SEC + DAY_SEC)).toEqual(['h2', 'h3']);
    });

    it('sweeps at most once per hour of the day window while full of live hosts', () => {
      const store = fullStore(2);
      const sweep = jest.spyOn(store, 'sweep');
      expect(store.record('h3', sampleAt(NOW_SEC), NOW_SEC)).toBe('full');
      expect(store.record('h4', sampleAt(NOW_SEC + 60), NOW_SEC + 60)).toBe('full');
      expect(sweep).toHaveBeenCalledTimes(1);
      const nextHourSec = NOW_SEC + SECONDS_PER_HOUR;
      expect(store.record('h5', sampleAt(nextHourSec), nextHourSec)).toBe('full');
      expect(sweep).toHaveBeenCalledTimes(2);
    });

    it('counts a sweep by the timer as the sweep of its hour', () => {
      const store = fullStore(2);
      store.sweep(NOW_SEC);
      const sweep = jest.spyOn(store, 'sweep');
      expect(store.record('h3', sampleAt(NOW_SEC), NOW_SEC)).toBe('full');
      expect(sweep).not.toHaveBeenCalled();
    });
  });

  describe('recordBatch()', () => {
    it('records a batch whose new hosts fit exactly', () => {
      const store = fullStore(3);
      store.forget('h3');
      store.forget('h2');
      expect(store.recordBatch([entry('n1'), entry('h1'), entry('n2'), entry('n1')], NOW_SEC)).toBe('recorded');
      expect(hostNames(store)).toEqual(['h1', 'n1', 'n2']);
    });

    it('refuses a whole batch with one host too many, and records none of it', () => {
      const store = fullStore(3);
      store.forget('h3');
      const before = store.report('h1', 'last_minute', NOW_SEC);
      expect(store.recordBatch([entry('h1'), entry('n1'), entry('n2')], NOW_SEC)).toBe('full');
      expect(hostNames(store)).toEqual(['h1', 'h2']);
      expect(store.report('h1', 'last_minute', NOW_SEC)).toEqual(before);
    });

    it('accepts any batch of known hosts when full', () => {
      const store = fullStore(2);
      expect(store.recordBatch([entry('h1'), entry('h2'), entry('h1')], NOW_SEC)).toBe('recorded');
      expect(store.report('h1', 'last_minute', NOW_SEC)?.at(-1)?.samples).toBe(3);
    });

    it('reclaims expired hosts to make room', () => {
      const store = fullStore(2);
      const laterSec = NOW_SEC + DAY_SEC;
      expect(store.recordBatch([entry('n1', laterSec), entry('n2', laterSec)], laterSec)).toBe('recorded');
      expect(hostNames(store, laterSec)).toEqual(['n1', 'n2']);
    });
  });

  describe('newHostCount()', () => {
    it('counts distinct hosts the store does not hold', () => {
      const store = fullStore(2);
      expect(store.newHostCount([entry('h1'), entry('n1'), entry('n1'), entry('n2')])).toBe(2);
      expect(store.newHostCount([])).toBe(0);
    });
  });
});
