import request from '../helpers/api-request';
import { SAMPLE_BODY_LIMIT_BYTES } from '../../src/http/routes';
import { T0_SEC, postSample, testApp, visibleState } from '../helpers/test-app';

const ISO_T0 = '2026-11-27T14:05:30Z';

describe('POST /perf/:host', () => {
  describe('when the body is a form, as curl -d sends it', () => {
    it('answers 201 with an empty body and records the sample', async () => {
      const { app } = testApp();
      const res = await postSample(app, 'web-01', { cpuload: '12.5', memload: '40.1' }).expect(201);
      expect(res.text).toBe('');
      const report = await request(app).get('/perf/web-01/last_minute').expect(200);
      expect(report.body).toEqual([
        {
          time: ISO_T0,
          interval: 1,
          samples: 1,
          cpuload: 12.5,
          memload: 40.1,
          cpuload_min: 12.5,
          cpuload_max: 12.5,
          memload_min: 40.1,
          memload_max: 40.1,
        },
      ]);
    });

    it('accepts the path with a trailing slash', async () => {
      const { app } = testApp();
      await request(app).post('/perf/web-01/').type('form').send('cpuload=1&memload=2').expect(201);
      const hosts = await request(app).get('/perf').expect(200);
      expect(hosts.body).toEqual([{ host: 'web-01', last_seen: ISO_T0, cpuload: 1, memload: 2, status: 'live' }]);
    });

    it('accepts a charset parameter on the Content-Type', async () => {
      const { app } = testApp();
      await request(app)
        .post('/perf/web-01')
        .set('Content-Type', 'application/x-www-form-urlencoded; charset=utf-8')
        .send('cpuload=3&memload=4')
        .expect(201);
    });

    it('ignores unknown extra fields', async () => {
      const { app } = testApp();
      await postSample(app, 'web-01', { cpuload: '5', memload: '6', disk: 'full' }).expect(201);
      const hosts = await request(app).get('/perf').expect(200);
      expect(hosts.body).toEqual([{ host: 'web-01', last_seen: ISO_T0, cpuload: 5, memload: 6, status: 'live' }]);
    });
  });

  describe('when the body is JSON', () => {
    it('accepts numbers', async () => {
      const { app } = testApp();
      await request(app).post('/perf/web-01').send({ cpuload: 12.5, memload: 40.1 }).expect(201);
      const hosts = await request(app).get('/perf').expect(200);
      expect(hosts.body).toEqual([{ host: 'web-01', last_seen: ISO_T0, cpuload: 12.5, memload: 40.1, status: 'live' }]);
    });

    it('accepts numeric strings and a charset parameter', async () => {
      const { app } = testApp();
      await request(app)
        .post('/perf/web-01')
        .set('Content-Type', 'application/json; charset=utf-8')
        .send(JSON.stringify({ cpuload: '1e1', memload: '.5' }))
        .expect(201);
      const hosts = await request(app).get('/perf').expect(200);
      expect(hosts.body).toEqual([{ host: 'web-01', last_seen: ISO_T0, cpuload: 10, memload: 0.5, status: 'live' }]);
    });
  });

  describe('load values', () => {
    it.each([
      ['12', 12],
      ['12.5', 12.5],
      ['.5', 0.5],
      ['1e1', 10],
      ['0', 0],
      ['100', 100],
    ])('accepts %j as %p', async (raw, value) => {
      const { app } = testApp();
      await postSample(app, 'web-01', { cpuload: raw, memload: raw }).expect(201);
      const hosts = await request(app).get('/perf').expect(200);
      expect(hosts.body).toEqual([{ host: 'web-01', last_seen: ISO_T0, cpuload: value, memload: value, status: 'live' }]);
    });

    it.each(['', 'abc', '12abc', 'NaN', 'Infinity', 'inf', '0x10', '1,5', '.', '1e', '-1', '100.5', '1e3'])(
      'rejects cpuload %j with 400 and changes nothing',
      async (raw) => {
        const { app } = testApp();
        await postSample(app, 'web-01', { cpuload: '7', memload: '8' }).expect(201);
        const before = await visibleState(app, 'web-01');
        await postSample(app, 'web-01', { cpuload: raw, memload: '40' }).expect(400, {
          error: `cpuload must be a decimal number from 0 to 100, got ${JSON.stringify(raw)}`,
        });
        expect(await visibleState(app, 'web-01')).toEqual(before);
      },
    );

    it('shows the value as sent, as in the issue: 5%', async () => {
      const { app } = testApp();
      await postSample(app, 'web-01', { cpuload: '5%', memload: '40' }).expect(400, {
        error: 'cpuload must be a decimal number from 0 to 100, got "5%"',
      });
    });

    it('shows a long value cut to its first 40 characters, marked with …', async () => {
      const { app } = testApp();
      await postSample(app, 'web-01', { cpuload: '9'.repeat(1000), memload: '40' }).expect(400, {
        error: `cpuload must be a decimal number from 0 to 100, got "${'9'.repeat(39)}…`,
      });
    });

    it.each([true, null, [1], { value: 1 }])('rejects the JSON value %j for memload, showing it', async (raw) => {
      const { app } = testApp();
      const rule = Array.isArray(raw) ? 'memload must be sent once' : 'memload must be a decimal number from 0 to 100';
      await request(app)
        .post('/perf/web-01')
        .send({ cpuload: 1, memload: raw })
        .expect(400, { error: `${rule}, got ${JSON.stringify(raw)}` });
      await request(app).get('/perf').expect(200, []);
    });

    it.each([
      ['cpuload', 'memload=40'],
      ['memload', 'cpuload=40'],
    ])('answers 400 naming %s when it is missing', async (field, body) => {
      const { app } = testApp();
      await request(app)
        .post('/perf/web-01')
        .type('form')
        .send(body)
        .expect(400, { error: `${field} is required` });
      await request(app).get('/perf').expect(200, []);
    });

    it('rejects a field sent twice in a form body', async () => {
      const { app } = testApp();
      await request(app)
        .post('/perf/web-01')
        .type('form')
        .send('cpuload=1&cpuload=2&memload=3')
        .expect(400, { error: 'cpuload must be sent once, got ["1","2"]' });
      await request(app).get('/perf').expect(200, []);
    });

    it('answers 400 for a request with no body at all', async () => {
      const { app } = testApp();
      await request(app).post('/perf/web-01').expect(400, { error: 'cpuload is required' });
    });
  });

  describe('the time field', () => {
    it.each([
      ['epoch seconds', String(T0_SEC - 125)],
      ['fractional epoch seconds', String(T0_SEC - 124.5)],
      ['ISO-8601 with Z', '2026-11-27T14:03:25Z'],
      ['ISO-8601 with an offset', '2026-11-27T15:03:25+01:00'],
    ])('places a sample given as %s in the buckets of its own time', async (_kind, time) => {
      const { app } = testApp();
      await postSample(app, 'web-01', { cpuload: '10', memload: '20', time }).expect(201);
      const minute = await request(app).get('/perf/web-01/last_minute').expect(200);
      const hour = await request(app).get('/perf/web-01/last_hour').expect(200);
      const day = await request(app).get('/perf/web-01/last_day').expect(200);
      expect(minute.body).toEqual([]);
      expect(hour.body.map((i: { time: string }) => i.time)).toEqual(['2026-11-27T14:03:00Z']);
      expect(day.body.map((i: { time: string }) => i.time)).toEqual(['2026-11-27T14:00:00Z']);
    });

    it('accepts a JSON number time', async () => {
      const { app } = testApp();
      await request(app)
        .post('/perf/web-01')
        .send({ cpuload: 1, memload: 2, time: T0_SEC - 1 })
        .expect(201);
      const minute = await request(app).get('/perf/web-01/last_minute').expect(200);
      expect(minute.body.map((i: { time: string }) => i.time)).toEqual(['2026-11-27T14:05:29Z']);
    });

    it('counts a time up to 60 s ahead as now', async () => {
      const { app } = testApp();
      await postSample(app, 'web-01', { cpuload: '1', memload: '2', time: String(T0_SEC + 60) }).expect(201);
      const minute = await request(app).get('/perf/web-01/last_minute').expect(200);
      expect(minute.body.map((i: { time: string }) => i.time)).toEqual([ISO_T0]);
    });

    it.each([
      ['61 s ahead', String(T0_SEC + 61)],
      ['in epoch milliseconds', String(T0_SEC * 1000)],
    ])('rejects a time %s, saying epoch seconds are expected', async (_kind, time) => {
      const { app } = testApp();
      await postSample(app, 'web-01', { cpuload: '1', memload: '2', time }).expect(400, {
        error: `time is more than 60 s in the future; it must be epoch seconds (epoch milliseconds are too far in the future), got "${time}"`,
      });
      await request(app).get('/perf').expect(200, []);
    });

    it('accepts a time in the oldest hour of the day window, seen only by last_day', async () => {
      const { app } = testApp();
      await postSample(app, 'web-01', { cpuload: '1', memload: '2', time: '2026-11-26T15:00:00Z' }).expect(201);
      await request(app).get('/perf/web-01/last_hour').expect(200, []);
      const day = await request(app).get('/perf/web-01/last_day').expect(200);
      expect(day.body.map((i: { time: string }) => i.time)).toEqual(['2026-11-26T15:00:00Z']);
    });

    it('rejects a time whose hour has left the day window', async () => {
      const { app } = testApp();
      await postSample(app, 'web-01', { cpuload: '1', memload: '2', time: '2026-11-26T14:59:59Z' }).expect(400, {
        error: 'time is older than the last_day window (the current hour and the 23 before it), got "2026-11-26T14:59:59Z"',
      });
      await request(app).get('/perf').expect(200, []);
    });

    it.each(['', 'yesterday', '2026-11-27T14:05:00', 'Infinity', '0x10'])('rejects the time %j', async (time) => {
      const { app } = testApp();
      await postSample(app, 'web-01', { cpuload: '1', memload: '2', time }).expect(400, {
        error: `time must be epoch seconds or an ISO-8601 date-time with a zone (Z or ±hh:mm), got ${JSON.stringify(time)}`,
      });
      await request(app).get('/perf').expect(200, []);
    });
  });

  describe('the host', () => {
    it('is stored and reported in lower case', async () => {
      const { app } = testApp();
      await postSample(app, 'Web-01.EXAMPLE.com', { cpuload: '1', memload: '2' }).expect(201);
      await postSample(app, 'web-01.example.com', { cpuload: '3', memload: '4' }).expect(201);
      const report = await request(app).get('/perf/WEB-01.example.COM/last_minute').expect(200);
      expect(report.body[0]).toMatchObject({ samples: 2, cpuload: 2, memload: 3 });
      const hosts = await request(app).get('/perf').expect(200);
      expect(hosts.body.map((h: { host: string }) => h.host)).toEqual(['web-01.example.com']);
    });

    it('may be 253 characters long', async () => {
      const { app } = testApp();
      await postSample(app, 'h'.repeat(253), { cpuload: '1', memload: '2' }).expect(201);
    });

    const badCharacters = "host must be 1-253 characters of letters, digits, '.', '-' and '_', starting with a letter or digit, got";
    it.each([
      ['254 characters', 'h'.repeat(254), `${badCharacters} "${'h'.repeat(39)}…`],
      ['a leading dash', '-web', `${badCharacters} "-web"`],
      ['an encoded slash, shown decoded', 'web%2F01', `${badCharacters} "web/01"`],
      ['an encoded space, shown decoded', 'web%2001', `${badCharacters} "web 01"`],
      ['an encoded quote and newline, shown decoded and escaped', 'web%22%0A', `${badCharacters} "web\\"\\n"`],
      ['a colon', 'web:01', `${badCharacters} "web:01"`],
      ['an empty label', 'a..b', `host must not contain an empty label ('..'), got "a..b"`],
    ])('rejects a host with %s', async (_kind, host, error) => {
      const { app } = testApp();
      await postSample(app, host, { cpuload: '1', memload: '2' }).expect(400, { error });
      await request(app).get('/perf').expect(200, []);
    });

    it('rejects broken percent-encoding in the path', async () => {
      const { app } = testApp();
      await postSample(app, 'web%ZZ', { cpuload: '1', memload: '2' }).expect(400, { error: 'request path is not valid percent-encoding' });
    });
  });

  describe('malformed and unsupported bodies', () => {
    it('answers 400 for malformed JSON', async () => {
      const { app } = testApp();
      await request(app)
        .post('/perf/web-01')
        .set('Content-Type', 'application/json')
        .send('{"cpuload": 1,')
        .expect(400, { error: 'request body is malformed JSON' });
      await request(app).get('/perf').expect(200, []);
    });

    it('answers 400 for a JSON array', async () => {
      const { app } = testApp();
      await request(app)
        .post('/perf/web-01')
        .send([{ cpuload: 1, memload: 2 }])
        .expect(400, { error: 'request body must be a JSON object with cpuload and memload' });
    });

    it('answers 415 for a Content-Type it does not read', async () => {
      const { app } = testApp();
      await request(app)
        .post('/perf/web-01')
        .set('Content-Type', 'text/plain')
        .send('cpuload=1&memload=2')
        .expect(415, { error: 'Content-Type must be application/x-www-form-urlencoded or application/json' });
      await request(app).get('/perf').expect(200, []);
    });

    it('answers 415 for a charset it does not read', async () => {
      const { app } = testApp();
      await request(app)
        .post('/perf/web-01')
        .set('Content-Type', 'application/json; charset=iso-8859-1')
        .send('{}')
        .expect(415, { error: 'charset "iso-8859-1" is not supported; use utf-8' });
    });

    it('answers 413 naming the 16 KiB limit for a larger body', async () => {
      const { app } = testApp();
      const padding = 'x'.repeat(SAMPLE_BODY_LIMIT_BYTES);
      await postSample(app, 'web-01', { cpuload: '1', memload: '2', padding }).expect(413, {
        error: 'request body exceeds the 16 KiB limit',
      });
      await request(app).get('/perf').expect(200, []);
    });

    it('accepts a body just under the limit', async () => {
      const { app } = testApp();
      const body = 'cpuload=1&memload=2&padding=';
      await request(app)
        .post('/perf/web-01')
        .type('form')
        .send(body + 'x'.repeat(SAMPLE_BODY_LIMIT_BYTES - body.length))
        .expect(201);
    });
  });
});
