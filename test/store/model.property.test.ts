/*
 * Model-based test: random runs of record / report / hosts / sweep against HostStore and
 * against a naive reference that keeps every sample in a plain list and recomputes each
 * window from scratch. The reference is written from the contract, not from the ring code:
 *
 *   a sample reaches resolution r  iff  timeSec >= oldest bucket start of r's window at record time
 *   a report of r at now shows     every bucket of r's window at now, oldest first, with the
 *                                  samples that reached r and fall in that bucket
 *   a host is gone                 once its newest sample is older than the last_day window
 *
 * Generated samples honour the record contract the HTTP layer enforces: timeSec <= now and
 * timeSec inside the last_day window at now. The clock never goes backwards.
 */
import fc from 'fast-check';
import { HostStore } from '../../src/store/host-store';
import { MODES, Mode } from '../../src/store/modes';
import { Interval } from '../../src/store/store';
import { HostSummary } from '../../src/store/store';
import { fakeClock } from '../helpers/fake-clock';

const BASE_SEC = 1_700_000_000;
const DAY_SEC = 86_400;
const HOSTS = ['web-1', 'web-2', 'db-1'];

// The reference's own copy of the three modes, so a wrong constant in src/ shows up here.
const REFERENCE_MODES: Record<Mode, { bucketSeconds: number; bucketCount: number }> = {
  last_minute: { bucketSeconds: 1, bucketCount: 60 },
  last_hour: { bucketSeconds: 60, bucketCount: 60 },
  last_day: { bucketSeconds: 3_600, bucketCount: 24 },
};

function referenceBucket(sec: number, bucketSeconds: number): number {
  return Math.floor(sec / bucketSeconds) * bucketSeconds;
}

function referenceFirstBucket(mode: Mode, nowSec: number): number {
  const { bucketSeconds, bucketCount } = REFERENCE_MODES[mode];
  return referenceBucket(nowSec, bucketSeconds) - (bucketCount - 1) * bucketSeconds;
}

/** Where a sample's time sits: an age behind now, or an offset from the oldest bucket of a window. */
type TimeSpec = { ageSec: number } | { edgeOf: Mode; offsetSec: number };

type Op =
  | { kind: 'advance'; stepSec: number }
  | { kind: 'record'; host: string; time: TimeSpec; cpuLoad: number; memLoad: number }
  | { kind: 'report'; host: string; mode: Mode }
  | { kind: 'hosts' }
  | { kind: 'sweep' };

const load = fc.oneof(
  fc.double({ min: 0, max: 100, noNaN: true }),
  fc.integer({ min: 0, max: 10_000 }).map((n) => n / 100),
);

const timeSpec: fc.Arbitrary<TimeSpec> = fc.oneof(
  fc.integer({ min: 0, max: 120_000 }).map((ms) => ({ ageSec: ms / 1_000 })),
  fc.integer({ min: 0, max: 4_000 }).map((ageSec) => ({ ageSec })),
  fc.integer({ min: 0, max: DAY_SEC + 3_600 }).map((ageSec) => ({ ageSec })),
  fc.record({ edgeOf: fc.constantFrom(...MODES), offsetSec: fc.constantFrom(-1, -0.001, 0, 0.5, 1) }),
);

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      stepSec: fc.oneof(
        fc.integer({ min: 0, max: 3_000 }).map((ms) => ms / 1_000),
        fc.integer({ min: 0, max: 90 }),
        fc.integer({ min: 0, max: 7_200 }),
        fc.integer({ min: DAY_SEC - 3_600, max: 3 * DAY_SEC }),
      ),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('record' as const),
      host: fc.constantFrom(...HOSTS),
      time: timeSpec,
      cpuLoad: load,
      memLoad: load,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('report' as const),
      host: fc.constantFrom(...HOSTS),
      mode: fc.constantFrom(...MODES),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'hosts' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'sweep' as const }) },
);

interface ReferenceSample {
  host: string;
  timeSec: number;
  cpuLoad: number;
  memLoad: number;
  reached: Set<Mode>;
}

class Reference {
  readonly samples: ReferenceSample[] = [];
  // Hosts the store still holds: recorded and not yet forgotten by a read or a sweep.
  readonly held = new Set<string>();

  record(host: string, timeSec: number, cpuLoad: number, memLoad: number, nowSec: number): void {
    const reached = new Set(MODES.filter((mode) => timeSec >= referenceFirstBucket(mode, nowSec)));
    this.samples.push({ host, timeSec, cpuLoad, memLoad, reached });
    this.held.add(host);
  }

  report(host: string, mode: Mode, nowSec: number): Interval[] | undefined {
    if (this.forgetIfGone(host, nowSec)) return undefined;
    const { bucketSeconds, bucketCount } = REFERENCE_MODES[mode];
    const firstSec = referenceFirstBucket(mode, nowSec);
    const intervals: Interval[] = [];
    for (let k = 0; k < bucketCount; k++) {
      const startSec = firstSec + k * bucketSeconds;
      const inBucket = this.samples.filter(
        (s) => s.host === host && s.reached.has(mode) && referenceBucket(s.timeSec, bucketSeconds) === startSec,
      );
      intervals.push(summarise(startSec, inBucket));
    }
    return intervals;
  }

  hosts(nowSec: number): HostSummary[] {
    const summaries: HostSummary[] = [];
    for (const host of [...this.held].sort()) {
      if (this.forgetIfGone(host, nowSec)) continue;
      const newest = this.newest(host);
      if (newest === undefined) throw new Error(`reference holds ${host} without samples`);
      summaries.push({ host, lastSeenSec: newest.timeSec, cpuLoad: newest.cpuLoad, memLoad: newest.memLoad });
    }
    return summaries;
  }

  sweep(nowSec: number): number {
    let forgotten = 0;
    for (const host of [...this.held]) if (this.forgetIfGone(host, nowSec)) forgotten++;
    return forgotten;
  }

  /** The newest sample of a host; among equal times the one recorded last. */
  private newest(host: string): ReferenceSample | undefined {
    let newest: ReferenceSample | undefined;
    for (const s of this.samples) {
      if (s.host === host && (newest === undefined || s.timeSec >= newest.timeSec)) newest = s;
    }
    return newest;
  }

  private forgetIfGone(host: string, nowSec: number): boolean {
    const newest = this.newest(host);
    const expired = newest === undefined || newest.timeSec < referenceFirstBucket('last_day', nowSec);
    const gone = !this.held.has(host) || expired;
    if (gone) this.held.delete(host);
    return gone;
  }
}

function summarise(startSec: number, samples: ReferenceSample[]): Interval {
  if (samples.length === 0) {
    const none = { cpuMean: null, memMean: null, cpuMin: null, cpuMax: null, memMin: null, memMax: null };
    return { startSec, samples: 0, ...none };
  }
  let cpuSum = 0;
  let memSum = 0;
  for (const s of samples) {
    cpuSum += s.cpuLoad;
    memSum += s.memLoad;
  }
  const cpu = samples.map((s) => s.cpuLoad);
  const mem = samples.map((s) => s.memLoad);
  return {
    startSec,
    samples: samples.length,
    cpuMean: cpuSum / samples.length,
    memMean: memSum / samples.length,
    cpuMin: Math.min(...cpu),
    cpuMax: Math.max(...cpu),
    memMin: Math.min(...mem),
    memMax: Math.max(...mem),
  };
}

/** Turns a TimeSpec into a time the record contract allows at `nowSec`. */
function sampleTime(time: TimeSpec, nowSec: number): number {
  const wanted = 'ageSec' in time ? nowSec - time.ageSec : referenceFirstBucket(time.edgeOf, nowSec) + time.offsetSec;
  return Math.min(nowSec, Math.max(referenceFirstBucket('last_day', nowSec), wanted));
}

function run(ops: Op[]): void {
  const clock = fakeClock(BASE_SEC);
  const store = new HostStore();
  const reference = new Reference();
  for (const o of ops) {
    const nowSec = clock();
    switch (o.kind) {
      case 'advance':
        clock.advance(o.stepSec);
        break;
      case 'record': {
        const timeSec = sampleTime(o.time, nowSec);
        store.record(o.host, { timeSec, cpuLoad: o.cpuLoad, memLoad: o.memLoad }, nowSec);
        reference.record(o.host, timeSec, o.cpuLoad, o.memLoad, nowSec);
        break;
      }
      case 'report':
        expect(store.report(o.host, o.mode, nowSec)).toEqual(reference.report(o.host, o.mode, nowSec));
        break;
      case 'hosts':
        expect(store.hosts(nowSec)).toEqual(reference.hosts(nowSec));
        break;
      case 'sweep':
        expect(store.sweep(nowSec)).toBe(reference.sweep(nowSec));
        break;
    }
    expect(store.size).toBe(reference.held.size);
  }
  // Every mode of every host at the end, so no run finishes unchecked.
  for (const host of HOSTS) {
    for (const mode of MODES) expect(store.report(host, mode, clock())).toEqual(reference.report(host, mode, clock()));
  }
}

describe('HostStore against a naive reference', () => {
  describe('when records, reports, hosts() and sweeps are interleaved over a clock with gaps', () => {
    it('answers every read exactly as the reference does', () => {
      fc.assert(
        fc.property(fc.array(op, { minLength: 1, maxLength: 80 }), (ops) => run(ops)),
        { seed: 42, numRuns: 200 },
      );
    });
  });

  describe('when many samples pile into few buckets', () => {
    it('keeps counts, insertion-order means, min and max exact', () => {
      const burst = fc.array(
        fc.record({
          host: fc.constantFrom('web-1', 'web-2'),
          ageMs: fc.integer({ min: 0, max: 2_500 }),
          cpuLoad: load,
          memLoad: load,
          stepMs: fc.integer({ min: 0, max: 400 }),
        }),
        { minLength: 1, maxLength: 120 },
      );
      fc.assert(
        fc.property(burst, (samples) => {
          const ops: Op[] = [];
          for (const s of samples) {
            const time = { ageSec: s.ageMs / 1_000 };
            ops.push({ kind: 'record', host: s.host, time, cpuLoad: s.cpuLoad, memLoad: s.memLoad });
            ops.push({ kind: 'advance', stepSec: s.stepMs / 1_000 });
          }
          run(ops);
        }),
        { seed: 42, numRuns: 200 },
      );
    });
  });
});
