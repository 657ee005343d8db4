/*
 * What the fleet routes keep between requests (the closed buckets' sums per host, the closed
 * intervals of recent /fleet queries) must never change an answer. Random runs of writes
 * (in the bucket in progress, late, a little ahead), clock moves (forward and back),
 * deletions and queries go to one long-lived app; after each step its answers are compared
 * with those of an app created afresh over the same store and clock, which has kept nothing.
 */
import fc from 'fast-check';
import { Express } from 'express';
import { Test } from 'supertest';
import request from '../helpers/api-request';
import { T0_SEC, testApp } from '../helpers/test-app';
import { createApp } from '../../src/app';
import { FleetAggregate } from '../../src/fleet/fleet-aggregate';
import * as windowTotals from '../../src/fleet/window-totals';
import { Store } from '../../src/store/store';

const RUNS = 60;
const PROPERTY_TIMEOUT_MS = 120_000;
const HOSTS = ['web-1', 'web-2', 'db-1', 'x'];

const QUERIES = [
  '/fleet/last_hour',
  '/fleet/last_hour?fill=true',
  '/fleet/last_minute?status=live',
  '/fleet/last_day?match=web-*',
  '/fleet/last_hour?status=stale&fill=true',
  '/perf?window=last_hour&sort=-cpuload',
  '/perf?window=last_hour&sort=memload&limit=2',
  '/perf?window=last_minute&sort=-memload&match=web-*',
  '/perf?window=last_day&sort=cpuload&status=live',
];

type Step =
  | { kind: 'record'; host: string; offsetSec: number; cpu: number; mem: number }
  | { kind: 'clock'; bySec: number }
  | { kind: 'delete'; host: string }
  | { kind: 'query'; path: string };

const quarter = fc.integer({ min: 0, max: 400 }).map((n) => n / 4);

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('record' as const),
      host: fc.constantFrom(...HOSTS),
      // Mostly now; late by a second, a minute, an hour; or a little ahead (clock skew).
      offsetSec: fc.oneof(fc.constant(0), fc.integer({ min: -3_700, max: 0 }), fc.constantFrom(-1, -60, -61, 5)),
      cpu: quarter,
      mem: quarter,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('clock' as const), bySec: fc.constantFrom(1, 2, 30, 60, 61, 3_600, -1, -60, -3_600) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), host: fc.constantFrom(...HOSTS) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('query' as const), path: fc.constantFrom(...QUERIES) }) },
);

/**
 * Whether `store` lets the routes keep sums between requests (in memory); over Redis every
 * query reads each host's whole window, so the counts of work done below are per host.
 */
function keepsWindows(store: Store): boolean {
  return store.bucketEpoch !== undefined && store.slotWrites !== undefined;
}

/** One sample of `host` at `timeSec`, through the bulk route (which takes a time). */
function postAt(app: Express, host: string, cpuload: number, timeSec: number): Test {
  return request(app)
    .post('/perf')
    .send([{ host, cpuload, memload: 10, time: timeSec }])
    .expect(201);
}

/** The hosts ranked by their last-hour CPU mean, highest first: [host, mean]. */
async function rankByLastHour(app: Express): Promise<unknown[]> {
  const res = await request(app).get('/perf?window=last_hour&sort=-cpuload').expect(200);
  return res.body.map((h: { host: string; last_hour: { cpuload: number } }) => [h.host, h.last_hour.cpuload]);
}

/** GET /fleet/last_hour's intervals (time, hosts, cpuload), and how many hosts' rings FleetAggregate.add read for it. */
async function fleetCountingAdds(app: Express): Promise<{ adds: number; intervals: unknown[] }> {
  const add = jest.spyOn(FleetAggregate.prototype, 'add');
  try {
    const res = await request(app).get('/fleet/last_hour').expect(200);
    const intervals = res.body.map((i: { time: string; hosts: number; cpuload: number }) => [i.time, i.hosts, i.cpuload]);
    return { adds: add.mock.calls.length, intervals };
  } finally {
    add.mockRestore();
  }
}

async function answer(app: Express, path: string): Promise<unknown> {
  const res = await request(app).get(path).expect(200);
  return { body: res.body as unknown, total: res.headers['x-total-count'], link: res.headers.link };
}

describe('what the fleet routes keep between requests', () => {
  it(
    'answers exactly as an app that kept nothing, through writes, clock moves and deletions',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), async (steps) => {
          const { app, clock, store } = testApp();
          for (const s of steps) {
            if (s.kind === 'record') {
              const body = { host: s.host, cpuload: s.cpu, memload: s.mem, time: clock() + s.offsetSec };
              await request(app).post('/perf').send([body]).expect(201);
            } else if (s.kind === 'clock') {
              clock.advance(s.bySec);
            } else if (s.kind === 'delete') {
              await request(app).delete(`/perf/${s.host}`);
            } else {
              const fresh = createApp({ store, clock });
              expect(await answer(app, s.path)).toEqual(await answer(fresh, s.path));
            }
          }
          // Every query once more at the end, whatever the run did last.
          const fresh = createApp({ store, clock });
          for (const path of QUERIES) expect(await answer(app, path)).toEqual(await answer(fresh, path));
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it('keeps nothing stale after a late sample reaches a closed bucket that a kept answer pooled', async () => {
    const { app, clock } = testApp(T0_SEC);
    const post = (host: string, cpuload: number, timeSec: number) => postAt(app, host, cpuload, timeSec);
    await post('web-1', 20, T0_SEC - 120);
    await post('web-2', 40, T0_SEC);
    const before = await request(app).get('/fleet/last_hour').expect(200);
    expect(await rankByLastHour(app)).toEqual([
      ['web-2', 40],
      ['web-1', 20],
    ]);
    // Late: into the bucket two minutes back, which both answers above pooled as closed.
    await post('web-1', 80, T0_SEC - 120);
    const after = await request(app).get('/fleet/last_hour').expect(200);
    expect(before.body[0]).toMatchObject({ hosts: 1, samples: 1, cpuload: 20, cpuload_max: 20 });
    expect(after.body[0]).toMatchObject({ hosts: 1, samples: 2, cpuload: 50, cpuload_max: 80 });
    expect(await rankByLastHour(app)).toEqual([
      ['web-1', 50],
      ['web-2', 40],
    ]);
    expect(clock()).toBe(T0_SEC);
  });

  it('sums again only the host a late sample reached when ranking by a window', async () => {
    const { app, store } = testApp(T0_SEC);
    const post = (host: string, cpuload: number, timeSec: number) => postAt(app, host, cpuload, timeSec);
    for (const [i, host] of ['web-1', 'web-2', 'web-3'].entries()) await post(host, 10 * (i + 1), T0_SEC - 120);
    const rank = () => rankByLastHour(app);
    expect(await rank()).toEqual([
      ['web-3', 30],
      ['web-2', 20],
      ['web-1', 10],
    ]);
    const summed = jest.spyOn(windowTotals, 'addSums');
    try {
      await post('web-1', 70, T0_SEC - 120);
      expect(await rank()).toEqual([
        ['web-1', 40],
        ['web-3', 30],
        ['web-2', 20],
      ]);
      expect(summed).toHaveBeenCalledTimes(keepsWindows(store) ? 1 : 3);
    } finally {
      summed.mockRestore();
    }
  });

  it('keeps no window sums stale when the clock leaves the bucket in progress and comes back, a sample written meanwhile', async () => {
    const { app, clock } = testApp(T0_SEC);
    const rank = () => rankByLastHour(app);
    await request(app)
      .post('/perf')
      .send([
        { host: 'web-1', cpuload: 20, memload: 10, time: T0_SEC - 120 },
        { host: 'web-2', cpuload: 40, memload: 10, time: T0_SEC },
      ])
      .expect(201);
    expect(await rank()).toEqual([
      ['web-2', 40],
      ['web-1', 20],
    ]);
    // Two minutes back, web-1's sample is in the bucket in progress (not late); back at T0 it is closed.
    clock.advance(-120);
    await request(app).post('/perf/web-1').type('form').send('cpuload=80&memload=10').expect(201);
    clock.advance(120);
    expect(await rank()).toEqual([
      ['web-1', 50],
      ['web-2', 40],
    ]);
  });

  it('counts a host turned live again with its samples in closed buckets, whose slots took no write since', async () => {
    const { app } = testApp(T0_SEC);
    const post = (host: string, cpuload: number, timeSec: number) => postAt(app, host, cpuload, timeSec);
    const live = async (): Promise<unknown> => {
      const res = await request(app).get('/fleet/last_hour?status=live').expect(200);
      return res.body.map((i: { time: string; hosts: number; samples: number; cpuload: number }) => [
        i.time,
        i.hosts,
        i.samples,
        i.cpuload,
      ]);
    };
    // Three and four minutes back: web-1 is stale (after 120 s) until it reports again.
    await post('web-1', 20, T0_SEC - 180);
    await post('web-2', 40, T0_SEC - 180);
    await post('web-2', 10, T0_SEC - 240);
    await post('web-2', 60, T0_SEC);
    expect(await live()).toEqual([
      ['2026-11-27T14:01:00Z', 1, 1, 10],
      ['2026-11-27T14:02:00Z', 1, 1, 40],
      ['2026-11-27T14:05:00Z', 1, 1, 60],
    ]);
    // web-1 reports now: it joins the live hosts with its sample of 14:02, written before the
    // answer above (its slot's writes did not change), and nothing at 14:01.
    await post('web-1', 80, T0_SEC);
    expect(await live()).toEqual([
      ['2026-11-27T14:01:00Z', 1, 1, 10],
      ['2026-11-27T14:02:00Z', 2, 2, 30],
      ['2026-11-27T14:05:00Z', 2, 2, 70],
    ]);
  });

  it('pools only the bucket in progress again when a new host has nothing in the closed ones', async () => {
    const { app, store } = testApp(T0_SEC);
    await request(app)
      .post('/perf')
      .send([
        { host: 'web-1', cpuload: 20, memload: 10, time: T0_SEC - 180 },
        { host: 'web-2', cpuload: 40, memload: 10, time: T0_SEC - 180 },
      ])
      .expect(201);
    await request(app).get('/fleet/last_hour').expect(200);
    await request(app)
      .post('/perf')
      .send([{ host: 'web-3', cpuload: 60, memload: 10, time: T0_SEC }])
      .expect(201);
    const { adds, intervals } = await fleetCountingAdds(app);
    // Once, for web-3's bucket in progress (the others have nothing there); the kept 14:02 still holds.
    expect(adds).toBe(keepsWindows(store) ? 1 : 3);
    expect(intervals).toEqual([
      ['2026-11-27T14:02:00Z', 2, 30],
      ['2026-11-27T14:05:00Z', 1, 60],
    ]);
  });

  it('reads the bucket in progress only of hosts whose newest sample is in it, from its first second on', async () => {
    const { app, store } = testApp(T0_SEC);
    const minuteStartSec = T0_SEC - 30;
    await request(app)
      .post('/perf')
      .send([
        { host: 'web-1', cpuload: 20, memload: 10, time: minuteStartSec - 1 },
        { host: 'web-2', cpuload: 40, memload: 10, time: minuteStartSec },
        { host: 'web-3', cpuload: 60, memload: 10, time: T0_SEC },
      ])
      .expect(201);
    await request(app).get('/fleet/last_hour').expect(200);
    const { adds, intervals } = await fleetCountingAdds(app);
    expect(adds).toBe(keepsWindows(store) ? 2 : 3);
    expect(intervals).toEqual([
      ['2026-11-27T14:04:00Z', 1, 20],
      ['2026-11-27T14:05:00Z', 2, 50],
    ]);
    const ranked = await request(app).get('/perf?window=last_minute&sort=-cpuload').expect(200);
    expect(ranked.body.map((h: { host: string; last_minute: { cpuload: number } }) => [h.host, h.last_minute.cpuload])).toEqual([
      ['web-3', 60],
      ['web-2', 40],
      ['web-1', 20],
    ]);
  });

  it('forgets a deleted host in both kept answers, whether it was visited last or first', async () => {
    const { app } = testApp(T0_SEC);
    const rows = [
      { host: 'web-1', cpuload: 20, memload: 10, time: T0_SEC - 120 },
      { host: 'web-2', cpuload: 60, memload: 10, time: T0_SEC - 120 },
      { host: 'web-3', cpuload: 40, memload: 10, time: T0_SEC - 120 },
    ];
    await request(app).post('/perf').send(rows).expect(201);
    const read = async (): Promise<unknown> => {
      const fleet = await request(app).get('/fleet/last_hour').expect(200);
      const ranked = await request(app).get('/perf?window=last_hour&sort=-cpuload').expect(200);
      return {
        fleet: fleet.body.map((i: { hosts: number; cpuload: number }) => [i.hosts, i.cpuload]),
        ranked: ranked.body.map((h: { host: string; last_hour: { cpuload: number } }) => [h.host, h.last_hour.cpuload]),
      };
    };
    expect(await read()).toEqual({
      fleet: [[3, 40]],
      ranked: [
        ['web-2', 60],
        ['web-3', 40],
        ['web-1', 20],
      ],
    });
    // The first host visited goes: the others each move up one place.
    await request(app).delete('/perf/web-1').expect(204);
    expect(await read()).toEqual({
      fleet: [[2, 50]],
      ranked: [
        ['web-2', 60],
        ['web-3', 40],
      ],
    });
    // The last one goes: the hosts before it are the same, one fewer.
    await request(app).delete('/perf/web-3').expect(204);
    expect(await read()).toEqual({ fleet: [[1, 60]], ranked: [['web-2', 60]] });
  });

  it('keeps nothing stale when the clock goes back to a window whose oldest slot was written meanwhile', async () => {
    const { app, clock } = testApp(T0_SEC);
    // 13:06:30, in the oldest bucket of the last_hour window at T0 (14:05:30).
    await request(app)
      .post('/perf')
      .send([{ host: 'web-1', cpuload: 20, memload: 10, time: T0_SEC - 3_540 }])
      .expect(201);
    const before = await request(app).get('/fleet/last_hour').expect(200);
    expect(before.body.map((interval: { time: string; hosts: number }) => [interval.time, interval.hosts])).toEqual([
      ['2026-11-27T13:06:00Z', 1],
    ]);
    // A minute on, 14:06 takes the slot 13:06 had (same host: the hosts pooled stay the same); then the clock steps back.
    clock.advance(60);
    await request(app)
      .post('/perf')
      .send([{ host: 'web-1', cpuload: 40, memload: 10 }])
      .expect(201);
    clock.advance(-60);
    const after = await request(app).get('/fleet/last_hour').expect(200);
    expect(after.body).toEqual([]);
  });
});
