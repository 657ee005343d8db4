/*
 * The host cap of HostStore (the contract is in src/store/store.ts): new hosts beyond
 * maxHosts are refused with 'full', known hosts keep recording, forgotten and expired hosts
 * free their place, an expired host that reports again needs a place like a new one, and a
 * batch is all or nothing. The last block checks all of it on random runs against the rule
 * written out from its definition.
 */
import fc from 'fast-check';
import { DEFAULT_MAX_HOSTS, HostStore } from '../../src/store/host-store';
import { LONGEST, windowStart } from '../../src/store/modes';
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
  const store = new HostStore({ maxHosts });
  for (let i = 1; i <= maxHosts; i++) expect(store.record(`h${i}`, sampleAt(NOW_SEC), NOW_SEC)).toBe('recorded');
  return store;
}

function hostNames(store: HostStore, nowSec: number = NOW_SEC): string[] {
  return store.hosts(nowSec).map((h) => h.host);
}

describe('HostStore host cap', () => {
  it(`holds ${DEFAULT_MAX_HOSTS} hosts unless told otherwise`, () => {
    expect(new HostStore().maxHosts).toBe(100_000);
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
      store.forget('h1', NOW_SEC);
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
      store.forget('h3', NOW_SEC);
      store.forget('h2', NOW_SEC);
      expect(store.recordBatch([entry('n1'), entry('h1'), entry('n2'), entry('n1')], NOW_SEC)).toBe('recorded');
      expect(hostNames(store)).toEqual(['h1', 'n1', 'n2']);
    });

    it('refuses a whole batch with one host too many, and records none of it', () => {
      const store = fullStore(3);
      store.forget('h3', NOW_SEC);
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

    describe('when a batch host has expired but no sweep has dropped it yet', () => {
      // a at NOW, b an hour later; a day after NOW, a has left the window and b has not.
      const laterSec = NOW_SEC + DAY_SEC;
      function storeWithExpiredA(): HostStore {
        const store = new HostStore({ maxHosts: 2 });
        store.record('a', sampleAt(NOW_SEC), NOW_SEC);
        store.record('b', sampleAt(NOW_SEC + SECONDS_PER_HOUR), NOW_SEC + SECONDS_PER_HOUR);
        return store;
      }

      it('counts it as new, so a batch that would end with three hosts is refused whole', () => {
        const store = storeWithExpiredA();
        expect(store.recordBatch([entry('a', laterSec), entry('c', laterSec)], laterSec)).toBe('full');
        expect(hostNames(store, laterSec)).toEqual(['b']);
        expect(store.report('c', 'last_minute', laterSec)).toBeUndefined();
      });

      it('takes it back, with one new host beside it, when two places are free', () => {
        const store = storeWithExpiredA();
        store.forget('b', laterSec);
        expect(store.recordBatch([entry('a', laterSec), entry('c', laterSec)], laterSec)).toBe('recorded');
        expect(hostNames(store, laterSec)).toEqual(['a', 'c']);
      });

      it('takes it back alone beside the live host', () => {
        const store = storeWithExpiredA();
        expect(store.recordBatch([entry('a', laterSec), entry('b', laterSec)], laterSec)).toBe('recorded');
        expect(hostNames(store, laterSec)).toEqual(['a', 'b']);
      });

      it('gives its place to a new host', () => {
        const store = storeWithExpiredA();
        expect(store.recordBatch([entry('c', laterSec), entry('b', laterSec)], laterSec)).toBe('recorded');
        expect(hostNames(store, laterSec)).toEqual(['b', 'c']);
      });

      it('answers record() of it the same way: it takes its place back', () => {
        const store = storeWithExpiredA();
        expect(store.record('a', sampleAt(laterSec), laterSec)).toBe('recorded');
        expect(store.record('c', sampleAt(laterSec), laterSec)).toBe('full');
        expect(hostNames(store, laterSec)).toEqual(['a', 'b']);
      });
    });

    it('reclaims expired hosts to make room', () => {
      const store = fullStore(2);
      const laterSec = NOW_SEC + DAY_SEC;
      expect(store.recordBatch([entry('n1', laterSec), entry('n2', laterSec)], laterSec)).toBe('recorded');
      expect(hostNames(store, laterSec)).toEqual(['n1', 'n2']);
    });
  });

  describe('a batch that repeats hosts', () => {
    it('takes one place per distinct host it does not hold', () => {
      const batch = [entry('h1'), entry('n1'), entry('n1'), entry('n2')];
      const roomForOne = new HostStore({ maxHosts: 2 });
      expect(roomForOne.record('h1', sampleAt(NOW_SEC), NOW_SEC)).toBe('recorded');
      expect(roomForOne.recordBatch(batch, NOW_SEC)).toBe('full');
      const roomForTwo = new HostStore({ maxHosts: 3 });
      expect(roomForTwo.record('h1', sampleAt(NOW_SEC), NOW_SEC)).toBe('recorded');
      expect(roomForTwo.recordBatch(batch, NOW_SEC)).toBe('recorded');
      expect(hostNames(roomForTwo)).toEqual(['h1', 'n1', 'n2']);
    });
  });

  describe('on random runs of records, batches and forgets over a clock that lets hosts expire', () => {
    type CapOp =
      | { kind: 'advance'; stepSec: number }
      | { kind: 'record'; host: string; ageSec: number }
      | { kind: 'batch'; entries: { host: string; ageSec: number }[] }
      | { kind: 'forget'; host: string }
      | { kind: 'hosts' };

    const HOSTS = ['a', 'b', 'c', 'd'];
    const host = fc.constantFrom(...HOSTS);
    const ageSec = fc.oneof(fc.integer({ min: 0, max: 90 }), fc.integer({ min: 0, max: DAY_SEC }));
    const capOp: fc.Arbitrary<CapOp> = fc.oneof(
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('advance' as const),
          stepSec: fc.oneof(
            fc.integer({ min: 0, max: 2 * SECONDS_PER_HOUR }),
            fc.integer({ min: DAY_SEC - SECONDS_PER_HOUR, max: DAY_SEC + SECONDS_PER_HOUR }),
          ),
        }),
      },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('record' as const), host, ageSec }) },
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('batch' as const),
          entries: fc.array(fc.record({ host, ageSec }), { minLength: 1, maxLength: 5 }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('forget' as const), host }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'hosts' as const }) },
    );

    /**
     * The cap from its definition: a host holds a place while its newest sample is inside the
     * day window; a write fits when the live hosts plus its distinct hosts that are not live
     * are at most maxHosts. Whether a sweep has run yet must not change any answer.
     */
    class CapReference {
      private readonly newestSec = new Map<string, number>();
      constructor(private readonly maxHosts: number) {}

      live(nowSec: number): string[] {
        const oldestSec = windowStart(LONGEST, nowSec);
        return [...this.newestSec]
          .filter(([, sec]) => sec >= oldestSec)
          .map(([name]) => name)
          .sort();
      }

      write(batch: HostSample[], nowSec: number): 'recorded' | 'full' {
        const live = new Set(this.live(nowSec));
        const fresh = new Set(batch.map((e) => e.host).filter((name) => !live.has(name)));
        if (live.size + fresh.size > this.maxHosts) return 'full';
        for (const name of fresh) this.newestSec.delete(name);
        for (const e of batch) this.newestSec.set(e.host, Math.max(this.newestSec.get(e.host) ?? -Infinity, e.sample.timeSec));
        return 'recorded';
      }

      forget(name: string): void {
        this.newestSec.delete(name);
      }
    }

    it('records every entry of a write or none, exactly when the reference says it fits', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 3 }), fc.array(capOp, { maxLength: 40 }), (maxHosts, ops) => {
          let nowSec = NOW_SEC;
          const store = new HostStore({ maxHosts });
          const reference = new CapReference(maxHosts);
          const at = (age: number): number => Math.max(nowSec - age, windowStart(LONGEST, nowSec));
          for (const o of ops) {
            switch (o.kind) {
              case 'advance':
                nowSec += o.stepSec;
                break;
              case 'record':
                expect(store.record(o.host, sampleAt(at(o.ageSec)), nowSec)).toBe(reference.write([entry(o.host, at(o.ageSec))], nowSec));
                break;
              case 'batch': {
                const batch = o.entries.map((e) => entry(e.host, at(e.ageSec)));
                expect(store.recordBatch(batch, nowSec)).toBe(reference.write(batch, nowSec));
                break;
              }
              case 'forget':
                store.forget(o.host, nowSec);
                reference.forget(o.host);
                break;
              case 'hosts':
                expect(hostNames(store, nowSec)).toEqual(reference.live(nowSec));
                break;
            }
            // states() reads without dropping anything, so it leaves expired hosts for the next write to meet.
            expect([...store.states(nowSec)].map(([name]) => name).sort()).toEqual(reference.live(nowSec));
            expect(store.size).toBeLessThanOrEqual(maxHosts);
          }
        }),
        { seed: 9, numRuns: 300 },
      );
    });
  });
});
