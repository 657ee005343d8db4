import request from '../helpers/api-request';
import { T0_SEC, postSample, testApp } from '../helpers/test-app';

interface WireInterval {
  time: string;
  interval: number;
  samples: number;
  cpuload: number | null;
}

describe('GET /perf/:host/:mode', () => {
  describe('when two samples land in the same second', () => {
    it('reports their exact mean, min and max in the newest interval', async () => {
      const { app } = testApp();
      await postSample(app, 'web-01', { cpuload: '10', memload: '40' }).expect(201);
      await postSample(app, 'web-01', { cpuload: '30', memload: '61' }).expect(201);
      const res = await request(app).get('/perf/web-01/last_minute').expect(200);
      expect(res.body).toEqual([
        {
          time: '2026-11-27T14:05:30Z',
          interval: 1,
          samples: 2,
          cpuload: 20,
          memload: 50.5,
          cpuload_min: 10,
          cpuload_max: 30,
          memload_min: 40,
          memload_max: 61,
        },
      ]);
    });
  });

  describe('numbers people read', () => {
    it('reports the mean of 0.1 and 0.2 as 0.15, not 0.15000000000000002', async () => {
      const { app } = testApp();
      await postSample(app, 'web-01', { cpuload: '0.1', memload: '0.2' }).expect(201);
      await postSample(app, 'web-01', { cpuload: '0.2', memload: '0.1' }).expect(201);
      for (const mode of ['last_minute', 'last_hour', 'last_day']) {
        const res = await request(app).get(`/perf/web-01/${mode}`).expect(200);
        expect(res.body[0]).toMatchObject({ samples: 2, cpuload: 0.15, memload: 0.15 });
      }
    });

    it('reports the mean of 1, 1 and 2 to 12 significant digits: 1.33333333333', async () => {
      const { app } = testApp();
      for (const load of ['1', '1', '2']) await postSample(app, 'web-01', { cpuload: load, memload: load }).expect(201);
      const res = await request(app).get('/perf/web-01/last_hour').expect(200);
      expect(res.body[0]).toMatchObject({ samples: 3, cpuload: 1.33333333333, memload: 1.33333333333 });
    });

    it('rounds min, max and the host listing the same way', async () => {
      const { app } = testApp();
      await postSample(app, 'web-01', { cpuload: '12.3456789012345678', memload: '99.99999999999999' }).expect(201);
      const res = await request(app).get('/perf/web-01/last_minute').expect(200);
      expect(res.body[0]).toMatchObject({
        cpuload: 12.3456789012,
        memload: 100,
        cpuload_min: 12.3456789012,
        cpuload_max: 12.3456789012,
        memload_min: 100,
        memload_max: 100,
      });
      await request(app)
        .get('/perf')
        .expect(200, [{ host: 'web-01', last_seen: '2026-11-27T14:05:30Z', cpuload: 12.3456789012, memload: 100, status: 'live' }]);
    });
  });

  describe('each mode', () => {
    it.each([
      ['last_minute', 1, 60, '2026-11-27T14:04:31Z', '2026-11-27T14:05:30Z'],
      ['last_hour', 60, 60, '2026-11-27T13:06:00Z', '2026-11-27T14:05:00Z'],
      ['last_day', 3600, 24, '2026-11-26T15:00:00Z', '2026-11-27T14:00:00Z'],
    ])('%s with fill=true lists the %i-second intervals of its window, oldest first', async (mode, interval, count, first, last) => {
      const { app } = testApp();
      await postSample(app, 'web-01', { cpuload: '1', memload: '2' }).expect(201);
      const res = await request(app).get(`/perf/web-01/${mode}?fill=true`).expect(200);
      const body = res.body as WireInterval[];
      expect(body).toHaveLength(count as number);
      expect(body[0].time).toBe(first);
      expect(body.at(-1)?.time).toBe(last);
      expect(body.every((i) => i.interval === interval)).toBe(true);
      expect(body.filter((i) => i.samples > 0).map((i) => i.time)).toEqual([last]);
    });

    it('lists empty intervals with samples 0 and null statistics when filled', async () => {
      const { app } = testApp();
      await postSample(app, 'web-01', { cpuload: '1', memload: '2' }).expect(201);
      const res = await request(app).get('/perf/web-01/last_day?fill=true').expect(200);
      expect(res.body[0]).toEqual({
        time: '2026-11-26T15:00:00Z',
        interval: 3600,
        samples: 0,
        cpuload: null,
        memload: null,
        cpuload_min: null,
        cpuload_max: null,
        memload_min: null,
        memload_max: null,
      });
    });

    it('averages a whole minute of samples exactly in last_hour', async () => {
      const { app, clock } = testApp(T0_SEC - 30); // 14:05:00
      for (let second = 0; second < 60; second++) {
        await postSample(app, 'web-01', { cpuload: String(second), memload: '50' }).expect(201);
        clock.advance(1);
      }
      const res = await request(app).get('/perf/web-01/last_hour').expect(200);
      expect(res.body).toEqual([
        {
          time: '2026-11-27T14:05:00Z',
          interval: 60,
          samples: 60,
          cpuload: 29.5,
          memload: 50,
          cpuload_min: 0,
          cpuload_max: 59,
          memload_min: 50,
          memload_max: 50,
        },
      ]);
    });
  });

  describe('as time passes', () => {
    it('drops intervals that leave the window and keeps the rest', async () => {
      const { app, clock } = testApp();
      await postSample(app, 'web-01', { cpuload: '10', memload: '20' }).expect(201);
      clock.advance(59);
      await postSample(app, 'web-01', { cpuload: '30', memload: '40' }).expect(201);
      let res = await request(app).get('/perf/web-01/last_minute').expect(200);
      expect(res.body.map((i: WireInterval) => [i.time, i.cpuload])).toEqual([
        ['2026-11-27T14:05:30Z', 10],
        ['2026-11-27T14:06:29Z', 30],
      ]);
      clock.advance(1);
      res = await request(app).get('/perf/web-01/last_minute').expect(200);
      expect(res.body.map((i: WireInterval) => [i.time, i.cpuload])).toEqual([['2026-11-27T14:06:29Z', 30]]);
    });

    it('answers 404 once the newest sample has left the day window', async () => {
      const { app, clock } = testApp();
      await postSample(app, 'web-01', { cpuload: '10', memload: '20' }).expect(201);
      clock.advance(24 * 3600);
      await request(app).get('/perf/web-01/last_day').expect(404, { error: "host 'web-01' is not known" });
      await request(app).get('/perf').expect(200, []);
    });
  });

  it('accepts a trailing slash', async () => {
    const { app } = testApp();
    await postSample(app, 'web-01', { cpuload: '1', memload: '2' }).expect(201);
    const res = await request(app).get('/perf/web-01/last_hour/').expect(200);
    expect(res.body).toHaveLength(1);
  });

  it('reads the host case-insensitively', async () => {
    const { app } = testApp();
    await postSample(app, 'web-01', { cpuload: '1', memload: '2' }).expect(201);
    const res = await request(app).get('/perf/WEB-01/last_hour').expect(200);
    expect(res.body).toHaveLength(1);
  });

  it('answers 404 for an unknown host', async () => {
    const { app } = testApp();
    await request(app).get('/perf/nobody/last_hour').expect(404, { error: "host 'nobody' is not known" });
  });

  it('answers 400 listing the valid modes for an unknown mode', async () => {
    const { app } = testApp();
    await postSample(app, 'web-01', { cpuload: '1', memload: '2' }).expect(201);
    await request(app)
      .get('/perf/web-01/last_week')
      .expect(400, { error: 'mode must be one of last_minute, last_hour, last_day, got "last_week"' });
  });

  it('answers 400 for an invalid host', async () => {
    const { app } = testApp();
    await request(app).get('/perf/-web/last_hour').expect(400, {
      error: `host must be 1-253 characters of letters, digits, '.', '-' and '_', starting with a letter or digit, got "-web"`,
    });
  });

  it('answers 400 for a fill value other than true or false', async () => {
    const { app } = testApp();
    await postSample(app, 'web-01', { cpuload: '1', memload: '2' }).expect(201);
    await request(app).get('/perf/web-01/last_hour?fill=maybe').expect(400, { error: 'fill must be true or false, got "maybe"' });
  });

  it('answers fill=false like no fill at all', async () => {
    const { app } = testApp();
    await postSample(app, 'web-01', { cpuload: '1', memload: '2' }).expect(201);
    const res = await request(app).get('/perf/web-01/last_hour?fill=false').expect(200);
    expect(res.body).toHaveLength(1);
  });
});
