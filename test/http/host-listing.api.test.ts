import { Express } from 'express';
import request from '../helpers/api-request';
import { T0_SEC, postSample, testApp } from '../helpers/test-app';

const MATCH_RULE = "match must be 1-253 characters of letters, digits, '.', '-', '_', '*' and '?'";
const BAD_CURSOR = "cursor must be the value of a Link header's cursor, unchanged";
const FOREIGN_CURSOR = 'cursor belongs to another query: keep sort, window, status and match as they were';

function hostsOf(body: { host: string }[]): string[] {
  return body.map((entry) => entry.host);
}

/** The cursor of a Link header's next URL. */
function cursorOf(link: string): string {
  const match = /cursor=([A-Za-z0-9_-]+)>; rel="next"$/.exec(link);
  if (match === null) throw new Error(`no cursor in ${link}`);
  return match[1];
}

/**
 * a: cpu 50 now, 10 a minute ago; b: cpu 50 now; c: cpu 90, two minutes ago; d: cpu 20 two
 * hours ago (nothing in last_hour); e: cpu 70 now. Memory is 100 - cpu.
 */
async function rankedFleet(): Promise<Express> {
  const { app } = testApp();
  const post = (host: string, cpu: number, agoSec: number) =>
    postSample(app, host, { cpuload: String(cpu), memload: String(100 - cpu), time: String(T0_SEC - agoSec) }).expect(201);
  await post('a', 10, 60);
  await post('a', 50, 0);
  await post('b', 50, 0);
  await post('c', 90, 120);
  await post('d', 20, 7200);
  await post('e', 70, 0);
  return app;
}

describe('GET /perf', () => {
  describe('status', () => {
    it('marks a host stale once its newest sample is older than SERVERTRACK_STALE_AFTER, and filters on it', async () => {
      const { app, clock } = testApp(T0_SEC, { staleAfterSec: 30 });
      await postSample(app, 'old', { cpuload: '1', memload: '2' }).expect(201);
      clock.advance(30);
      await postSample(app, 'new', { cpuload: '3', memload: '4' }).expect(201);
      const all = await request(app).get('/perf').expect(200);
      expect(all.body.map((h: { status: string }) => h.status)).toEqual(['live', 'live']); // 30 s old: still live
      clock.advance(1);
      const res = await request(app).get('/perf?status=all').expect(200);
      expect(res.body).toEqual([
        { host: 'new', last_seen: '2026-11-27T14:06:00Z', cpuload: 3, memload: 4, status: 'live' },
        { host: 'old', last_seen: '2026-11-27T14:05:30Z', cpuload: 1, memload: 2, status: 'stale' },
      ]);
      expect(hostsOf((await request(app).get('/perf?status=live').expect(200)).body)).toEqual(['new']);
      const stale = await request(app).get('/perf?status=stale').expect(200);
      expect(hostsOf(stale.body)).toEqual(['old']);
      expect(stale.headers['x-total-count']).toBe('1');
    });

    it('uses 120 s when the app is given no setting', async () => {
      const { app, clock } = testApp();
      await postSample(app, 'web', { cpuload: '1', memload: '2' }).expect(201);
      clock.advance(120);
      expect((await request(app).get('/perf').expect(200)).body[0].status).toBe('live');
      clock.advance(1);
      expect((await request(app).get('/perf').expect(200)).body[0].status).toBe('stale');
    });
  });

  describe('match', () => {
    it('lists hosts matching any glob, case-insensitively, against the whole name', async () => {
      const { app } = testApp();
      for (const host of ['web-01', 'web-02', 'web-10', 'db-01', 'xweb-01'])
        await postSample(app, host, { cpuload: '1', memload: '1' }).expect(201);
      const cases: [string, string[]][] = [
        ['match=web-*', ['web-01', 'web-02', 'web-10']],
        ['match=WEB-0?', ['web-01', 'web-02']],
        ['match=*-01', ['db-01', 'web-01', 'xweb-01']],
        ['match=web-0', []],
        ['match=db-*&match=web-1?', ['db-01', 'web-10']],
        ['match=*', ['db-01', 'web-01', 'web-02', 'web-10', 'xweb-01']],
      ];
      for (const [query, hosts] of cases) {
        const res = await request(app).get(`/perf?${query}`).expect(200);
        expect([query, hostsOf(res.body), res.headers['x-total-count']]).toEqual([query, hosts, String(hosts.length)]);
      }
    });
  });

  describe('window', () => {
    it('adds the statistics of the whole window under its name, pooled as the report pools them', async () => {
      const app = await rankedFleet();
      const res = await request(app).get('/perf?window=last_hour&match=a&match=d').expect(200);
      expect(res.body).toEqual([
        {
          host: 'a',
          last_seen: '2026-11-27T14:05:30Z',
          cpuload: 50,
          memload: 50,
          status: 'live',
          last_hour: { samples: 2, cpuload: 30, memload: 70, cpuload_min: 10, cpuload_max: 50, memload_min: 50, memload_max: 90 },
        },
        {
          host: 'd',
          last_seen: '2026-11-27T12:05:30Z',
          cpuload: 20,
          memload: 80,
          status: 'stale',
          last_hour: {
            samples: 0,
            cpuload: null,
            memload: null,
            cpuload_min: null,
            cpuload_max: null,
            memload_min: null,
            memload_max: null,
          },
        },
      ]);
      const day = await request(app).get('/perf?window=last_day&match=d').expect(200);
      expect(day.body[0].last_day).toEqual({
        samples: 1,
        cpuload: 20,
        memload: 80,
        cpuload_min: 20,
        cpuload_max: 20,
        memload_min: 80,
        memload_max: 80,
      });
      expect(day.body[0].last_hour).toBeUndefined();
    });
  });

  describe('sort', () => {
    it.each([
      ['', ['a', 'b', 'c', 'd', 'e']],
      ['sort=host', ['a', 'b', 'c', 'd', 'e']],
      ['sort=-host', ['e', 'd', 'c', 'b', 'a']],
      ['sort=cpuload', ['d', 'a', 'b', 'e', 'c']], // newest samples 50, 50, 90, 20, 70: a before b on the tie
      ['sort=-cpuload', ['c', 'e', 'a', 'b', 'd']], // the tie still by host ascending
      ['sort=memload', ['c', 'e', 'a', 'b', 'd']],
      ['sort=-memload', ['d', 'a', 'b', 'e', 'c']],
      ['sort=last_seen', ['d', 'c', 'a', 'b', 'e']],
      ['sort=-last_seen', ['a', 'b', 'e', 'c', 'd']],
      // Window means: a 30, b 50, c 90, d none, e 70; d last in either direction.
      ['window=last_hour&sort=cpuload', ['a', 'b', 'e', 'c', 'd']],
      ['window=last_hour&sort=-cpuload', ['c', 'e', 'b', 'a', 'd']],
      ['window=last_hour&sort=-memload', ['a', 'b', 'e', 'c', 'd']],
      ['window=last_hour&sort=-last_seen', ['a', 'b', 'e', 'c', 'd']],
    ])('%p lists %p', async (query, hosts) => {
      const app = await rankedFleet();
      const res = await request(app).get(`/perf?${query}`).expect(200);
      expect(hostsOf(res.body)).toEqual(hosts);
    });
  });

  describe('limit and cursor', () => {
    it('sends X-Total-Count always and Link only while more hosts follow', async () => {
      const app = await rankedFleet();
      const all = await request(app).get('/perf').expect(200);
      expect(all.headers['x-total-count']).toBe('5');
      expect(all.headers.link).toBeUndefined();
      const exact = await request(app).get('/perf?limit=5').expect(200);
      expect(exact.headers.link).toBeUndefined();
      const first = await request(app).get('/perf?sort=-cpuload&limit=2&match=*').expect(200);
      expect(hostsOf(first.body)).toEqual(['c', 'e']);
      expect(first.headers['x-total-count']).toBe('5');
      expect(first.headers.link).toMatch(/^<\/perf\?sort=-cpuload&limit=2&match=\*&cursor=[A-Za-z0-9_-]+>; rel="next"$/);
    });

    it.each([
      '',
      'sort=-cpuload',
      'window=last_hour&sort=cpuload',
      'window=last_hour&sort=-memload',
      'sort=-last_seen',
      'sort=-host&status=live',
    ])('following the next links of %p lists every host once, in order', async (query) => {
      const app = await rankedFleet();
      const whole = await request(app).get(`/perf?${query}`).expect(200);
      const seen: string[] = [];
      let url: string | undefined = `/perf?${query}&limit=2`;
      for (let pages = 0; url !== undefined && pages < 10; pages++) {
        const res: { body: { host: string }[]; headers: Record<string, string> } = await request(app).get(url).expect(200);
        expect(res.headers['x-total-count']).toBe(String(whole.body.length));
        seen.push(...hostsOf(res.body));
        url = res.headers.link === undefined ? undefined : /^<([^>]+)>/.exec(res.headers.link)?.[1];
      }
      expect(seen).toEqual(hostsOf(whole.body));
    });

    it('lets the limit change between pages', async () => {
      const app = await rankedFleet();
      const first = await request(app).get('/perf?limit=1').expect(200);
      const rest = await request(app)
        .get(`/perf?limit=10&cursor=${cursorOf(first.headers.link)}`)
        .expect(200);
      expect(hostsOf(rest.body)).toEqual(['b', 'c', 'd', 'e']);
      expect(rest.headers.link).toBeUndefined();
    });

    it('answers an empty page after the last host', async () => {
      const { app } = testApp();
      await postSample(app, 'a', { cpuload: '1', memload: '1' }).expect(201);
      await postSample(app, 'b', { cpuload: '1', memload: '1' }).expect(201);
      const first = await request(app).get('/perf?limit=1').expect(200);
      await request(app).delete('/perf/b').expect(204);
      const res = await request(app)
        .get(`/perf?limit=1&cursor=${cursorOf(first.headers.link)}`)
        .expect(200, []);
      expect(res.headers['x-total-count']).toBe('1');
    });

    it('refuses a cursor of another query', async () => {
      const app = await rankedFleet();
      const first = await request(app).get('/perf?sort=-cpuload&limit=2').expect(200);
      const cursor = cursorOf(first.headers.link);
      for (const other of ['sort=cpuload', 'sort=-cpuload&window=last_hour', 'sort=-cpuload&status=live', 'sort=-cpuload&match=a*']) {
        await request(app)
          .get(`/perf?${other}&cursor=${cursor}`)
          .expect(400, { error: `${FOREIGN_CURSOR}, got "${cursor.slice(0, 39)}…` });
      }
    });
  });

  describe('rejects', () => {
    const forged = Buffer.from(JSON.stringify([1, 'x', 'not a number', 'a'])).toString('base64url');
    it.each([
      ['match=', `${MATCH_RULE}, got ""`],
      ['match=web%201', `${MATCH_RULE}, got "web 1"`],
      ['match=a&match=%5Bab%5D', `${MATCH_RULE}, got "[ab]"`],
      [`match=${'a'.repeat(254)}`, `${MATCH_RULE}, got "${'a'.repeat(39)}…`],
      ['status=', 'status must be one of live, stale, all, got ""'],
      ['status=down', 'status must be one of live, stale, all, got "down"'],
      ['window=last_week', 'window must be one of last_minute, last_hour, last_day, got "last_week"'],
      ['window=last_hour&window=last_day', 'window must be one of last_minute, last_hour, last_day, got ["last_hour","last_day"]'],
      ['sort=cpu', `sort must be one of host, last_seen, cpuload, memload, optionally preceded by '-', got "cpu"`],
      ['sort=--host', `sort must be one of host, last_seen, cpuload, memload, optionally preceded by '-', got "--host"`],
      ['sort=%2Bhost', `sort must be one of host, last_seen, cpuload, memload, optionally preceded by '-', got "+host"`],
      ['limit=0', 'limit must be an integer from 1 to 10000, got "0"'],
      ['limit=10001', 'limit must be an integer from 1 to 10000, got "10001"'],
      ['limit=1.5', 'limit must be an integer from 1 to 10000, got "1.5"'],
      ['limit=', 'limit must be an integer from 1 to 10000, got ""'],
      ['limit=1&limit=2', 'limit must be an integer from 1 to 10000, got ["1","2"]'],
      ['cursor=', `${BAD_CURSOR}, got ""`],
      ['cursor=%25%25', `${BAD_CURSOR}, got "%%"`],
      ['cursor=bm90IGpzb24', `${BAD_CURSOR}, got "bm90IGpzb24"`],
      [`cursor=${forged}`, `${BAD_CURSOR}, got "${forged}"`],
      ['since=1', 'unknown query parameter "since"; allowed: match, status, window, sort, limit, cursor'],
    ])('%p with 400 and its reason', async (query, error) => {
      const app = await rankedFleet();
      await request(app).get(`/perf?${query}`).expect(400, { error });
    });

    it('accepts the bounds of limit', async () => {
      const app = await rankedFleet();
      expect((await request(app).get('/perf?limit=1').expect(200)).body).toHaveLength(1);
      expect((await request(app).get('/perf?limit=10000').expect(200)).body).toHaveLength(5);
    });
  });
});
