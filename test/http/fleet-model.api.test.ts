/*
 * Model test: random fleets recorded through the API, then GET /fleet/last_hour and the
 * GET /perf rankings (followed page by page) compared with a naive computation written
 * from the words, on whichever store the suite runs (memory, Redis, Redis Cluster):
 *
 *   interval     hosts with a sample in it; their samples; Σ loads / Σ counts; min, max over samples
 *   pNN          host means of the interval, sorted ascending, the one at rank ⌈NN/100 × hosts⌉
 *   window       every sample of a host inside the window, pooled
 *   ranking      by the key (null last either way), then host name ascending
 *
 * Loads are multiples of 1/4, so every sum is exact in binary and any order of adding gives
 * the same double: the comparison can be exact.
 */
import fc from 'fast-check';
import { Express } from 'express';
import request from '../helpers/api-request';
import { T0_SEC, testApp } from '../helpers/test-app';
import { toWireNumber } from '../../src/http/wire';

const MINUTE_SEC = 60;
const RUNS = 50;
/** Each run posts a fleet and reads it back: on Redis, on a busy machine, well past jest's 5 s default. */
const PROPERTY_TIMEOUT_MS = 120_000;
const WINDOW_START_SEC = Math.floor(T0_SEC / MINUTE_SEC) * MINUTE_SEC - 59 * MINUTE_SEC;
const HOST_NAMES = ['web-1', 'web-2', 'web-10', 'db-1', 'db-2', 'cache-a', 'x'];
const GLOBS = ['*', 'web-*', 'db-?', '*-1*', 'x'];
const SORTS = ['host', '-host', 'cpuload', '-cpuload', 'memload', '-memload', 'last_seen', '-last_seen'];

interface ModelSample {
  host: string;
  ageSec: number;
  cpu: number;
  mem: number;
}

/** Mostly the last 3 minutes, so intervals hold several hosts; some anywhere in the hour, some before it. */
const AGE_SEC = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 179 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 3_599 }) },
  { weight: 3, arbitrary: fc.integer({ min: 3_600, max: 7_200 }) },
);

const quarter = fc.integer({ min: 0, max: 400 }).map((n) => n / 4);

/** Each host's samples at distinct ages (so "the newest" is one sample), some older than the hour. */
const fleet: fc.Arbitrary<ModelSample[]> = fc
  .uniqueArray(fc.constantFrom(...HOST_NAMES), { minLength: 0, maxLength: HOST_NAMES.length })
  .chain((hosts) =>
    fc.tuple(
      ...hosts.map((host) =>
        fc
          .uniqueArray(AGE_SEC, { minLength: 1, maxLength: 6 })
          .chain((ages) =>
            fc.tuple(
              ...ages.map((ageSec) => fc.record({ cpu: quarter, mem: quarter }).map(({ cpu, mem }) => ({ host, ageSec, cpu, mem }))),
            ),
          ),
      ),
    ),
  )
  .map((perHost) => perHost.flat());

function matches(glob: string, host: string): boolean {
  return new RegExp(`^${glob.replace(/\./g, '\\.').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(host);
}

function wire(value: number | null): number | null {
  return value === null ? null : toWireNumber(value);
}

function nearestRank(sortedAscending: number[], p: number): number {
  return sortedAscending[Math.ceil((p / 100) * sortedAscending.length) - 1];
}

function naiveFleet(samples: ModelSample[], glob: string): unknown[] {
  const intervals: unknown[] = [];
  for (let k = 0; k < 60; k++) {
    const startSec = WINDOW_START_SEC + k * MINUTE_SEC;
    const inside = samples.filter(
      (s) => matches(glob, s.host) && T0_SEC - s.ageSec >= startSec && T0_SEC - s.ageSec < startSec + MINUTE_SEC,
    );
    if (inside.length === 0) continue;
    const hosts = [...new Set(inside.map((s) => s.host))];
    const meanOf = (host: string, load: 'cpu' | 'mem'): number => {
      const own = inside.filter((s) => s.host === host);
      return own.reduce((sum, s) => sum + s[load], 0) / own.length;
    };
    const cpuMeans = hosts.map((h) => meanOf(h, 'cpu')).sort((a, b) => a - b);
    const memMeans = hosts.map((h) => meanOf(h, 'mem')).sort((a, b) => a - b);
    intervals.push({
      time: new Date(startSec * 1000).toISOString().slice(0, 19) + 'Z',
      interval: 60,
      hosts: hosts.length,
      samples: inside.length,
      cpuload: wire(inside.reduce((sum, s) => sum + s.cpu, 0) / inside.length),
      memload: wire(inside.reduce((sum, s) => sum + s.mem, 0) / inside.length),
      cpuload_min: Math.min(...inside.map((s) => s.cpu)),
      cpuload_max: Math.max(...inside.map((s) => s.cpu)),
      memload_min: Math.min(...inside.map((s) => s.mem)),
      memload_max: Math.max(...inside.map((s) => s.mem)),
      cpuload_p50: wire(nearestRank(cpuMeans, 50)),
      cpuload_p90: wire(nearestRank(cpuMeans, 90)),
      cpuload_p99: wire(nearestRank(cpuMeans, 99)),
      memload_p50: wire(nearestRank(memMeans, 50)),
      memload_p90: wire(nearestRank(memMeans, 90)),
      memload_p99: wire(nearestRank(memMeans, 99)),
    });
  }
  return intervals;
}

/** Host names in the order GET /perf?window=last_hour&sort=... must list them. */
function naiveRanking(samples: ModelSample[], glob: string, sort: string): string[] {
  const hosts = [...new Set(samples.map((s) => s.host))].filter((h) => matches(glob, h));
  const descending = sort.startsWith('-');
  const field = descending ? sort.slice(1) : sort;
  const keyOf = (host: string): number | null => {
    const own = samples.filter((s) => s.host === host);
    if (field === 'last_seen') return T0_SEC - Math.min(...own.map((s) => s.ageSec));
    const inWindow = own.filter((s) => T0_SEC - s.ageSec >= WINDOW_START_SEC);
    if (inWindow.length === 0) return null;
    const load = field === 'cpuload' ? 'cpu' : 'mem';
    return inWindow.reduce((sum, s) => sum + s[load], 0) / inWindow.length;
  };
  const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  if (field === 'host') return hosts.sort((a, b) => byName(a, b) * (descending ? -1 : 1));
  return hosts.sort((a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    if (ka !== kb) {
      if (ka === null) return 1;
      if (kb === null) return -1;
      return descending ? kb - ka : ka - kb;
    }
    return byName(a, b);
  });
}

async function record(app: Express, samples: ModelSample[]): Promise<void> {
  if (samples.length === 0) return;
  const body = samples.map((s) => ({ host: s.host, cpuload: s.cpu, memload: s.mem, time: T0_SEC - s.ageSec }));
  await request(app).post('/perf').send(body).expect(201);
}

/** Every host of a ranking, following the next links `limit` at a time. */
async function followPages(app: Express, firstUrl: string): Promise<string[]> {
  const listed: string[] = [];
  let url: string | undefined = firstUrl;
  for (let pages = 0; url !== undefined; pages++) {
    if (pages > HOST_NAMES.length) throw new Error('the next links did not end');
    const res: { body: { host: string }[]; headers: Record<string, string> } = await request(app).get(url).expect(200);
    listed.push(...res.body.map((entry) => entry.host));
    url = res.headers.link === undefined ? undefined : /^<([^>]+)>/.exec(res.headers.link)?.[1];
  }
  return listed;
}

describe('the fleet questions against a naive model', () => {
  it(
    'GET /fleet/last_hour pools every interval exactly as the model does',
    async () => {
      await fc.assert(
        fc.asyncProperty(fleet, fc.constantFrom(...GLOBS), async (samples, glob) => {
          const { app } = testApp();
          await record(app, samples);
          const res = await request(app).get(`/fleet/last_hour?match=${glob}`).expect(200);
          expect(res.body).toEqual(naiveFleet(samples, glob));
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'GET /perf ranks, filters and pages exactly as the model does',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fleet,
          fc.constantFrom(...GLOBS),
          fc.constantFrom(...SORTS),
          fc.integer({ min: 1, max: 4 }),
          async (samples, glob, sort, limit) => {
            const { app } = testApp();
            await record(app, samples);
            const listed = await followPages(app, `/perf?window=last_hour&sort=${sort}&match=${glob}&limit=${limit}`);
            expect(listed).toEqual(naiveRanking(samples, glob, sort));
          },
        ),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
