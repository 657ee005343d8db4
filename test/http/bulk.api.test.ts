import { Test } from 'supertest';
import request from '../helpers/api-request';
import { BulkLimits, DEFAULT_BULK_LIMITS } from '../../src/http/bulk';
import { T0_SEC, testApp, visibleState } from '../helpers/test-app';

const ISO_T0 = '2026-11-27T14:05:30Z';
const NDJSON = 'application/x-ndjson';

function appWithLimits(limits: BulkLimits) {
  return testApp(T0_SEC, { bulkLimits: limits }).app;
}

function ndjson(lines: unknown[]): string {
  return lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n';
}

function postNdjson(app: Parameters<typeof request>[0], body: string): Test {
  return request(app).post('/perf').set('Content-Type', NDJSON).send(body);
}

describe('POST /perf (bulk)', () => {
  describe('when the body is a JSON array of valid samples', () => {
    it('answers 201 with the count and records every sample', async () => {
      const { app } = testApp();
      await request(app)
        .post('/perf')
        .send([
          { host: 'web-01', cpuload: 10, memload: 20 },
          { host: 'WEB-02', cpuload: '30', memload: '40' },
          { host: 'web-01', cpuload: 30, memload: 40 },
        ])
        .expect(201, { accepted: 3 });
      const report = await request(app).get('/perf/web-01/last_minute').expect(200);
      expect(report.body).toEqual([
        {
          time: ISO_T0,
          interval: 1,
          samples: 2,
          cpuload: 20,
          memload: 30,
          cpuload_min: 10,
          cpuload_max: 30,
          memload_min: 20,
          memload_max: 40,
        },
      ]);
      await request(app)
        .get('/perf')
        .expect(200, [
          { host: 'web-01', last_seen: ISO_T0, cpuload: 30, memload: 40, status: 'live' },
          { host: 'web-02', last_seen: ISO_T0, cpuload: 30, memload: 40, status: 'live' },
        ]);
    });

    it('accepts the path with a trailing slash', async () => {
      const { app } = testApp();
      await request(app)
        .post('/perf/')
        .send([{ host: 'web-01', cpuload: 1, memload: 2 }])
        .expect(201, { accepted: 1 });
    });

    it('places each sample at its own time and ignores extra fields', async () => {
      const { app } = testApp();
      await request(app)
        .post('/perf')
        .send([
          { host: 'web-01', cpuload: 1, memload: 2, time: T0_SEC - 125, disk: 'full' },
          { host: 'web-01', cpuload: 3, memload: 4, time: '2026-11-27T13:00:00Z' },
        ])
        .expect(201, { accepted: 2 });
      const hour = await request(app).get('/perf/web-01/last_hour').expect(200);
      expect(hour.body.map((i: { time: string }) => i.time)).toEqual(['2026-11-27T14:03:00Z']);
      const day = await request(app).get('/perf/web-01/last_day').expect(200);
      expect(day.body.map((i: { time: string; samples: number }) => [i.time, i.samples])).toEqual([
        ['2026-11-27T13:00:00Z', 1],
        ['2026-11-27T14:00:00Z', 1],
      ]);
    });

    it('accepts an empty array as zero samples', async () => {
      const { app } = testApp();
      await request(app).post('/perf').send([]).expect(201, { accepted: 0 });
      await request(app).get('/perf').expect(200, []);
    });
  });

  describe('when the body is NDJSON', () => {
    it('records one sample per line, CRLF and blank lines allowed', async () => {
      const { app } = testApp();
      const body = '{"host":"web-01","cpuload":10,"memload":20}\r\n\n{"host":"web-02","cpuload":30,"memload":40}';
      await postNdjson(app, body).expect(201, { accepted: 2 });
      await request(app)
        .get('/perf')
        .expect(200, [
          { host: 'web-01', last_seen: ISO_T0, cpuload: 10, memload: 20, status: 'live' },
          { host: 'web-02', last_seen: ISO_T0, cpuload: 30, memload: 40, status: 'live' },
        ]);
    });

    it('treats a body of blank lines as zero samples', async () => {
      const { app } = testApp();
      await postNdjson(app, '\n\n').expect(201, { accepted: 0 });
    });
  });

  describe('when an entry is invalid', () => {
    it.each([
      ['a number', 5, 'entry must be a JSON object with host, cpuload and memload, got 5'],
      ['an array', [1, 2], 'entry must be a JSON object with host, cpuload and memload, got [1,2]'],
      ['null', null, 'entry must be a JSON object with host, cpuload and memload, got null'],
      ['no host', { cpuload: 1, memload: 2 }, 'host is required'],
      [
        'a bad host',
        { host: 'web 01', cpuload: 1, memload: 2 },
        `host must be 1-253 characters of letters, digits, '.', '-' and '_', starting with a letter or digit, got "web 01"`,
      ],
      [
        'a host that is a number',
        { host: 7, cpuload: 1, memload: 2 },
        "host must be 1-253 characters of letters, digits, '.', '-' and '_', starting with a letter or digit, got 7",
      ],
      ['an empty label', { host: 'a..b', cpuload: 1, memload: 2 }, `host must not contain an empty label ('..'), got "a..b"`],
      ['no cpuload', { host: 'web-02', memload: 2 }, 'cpuload is required'],
      ['a memload over 100', { host: 'web-02', cpuload: 1, memload: 100.5 }, 'memload must be a decimal number from 0 to 100, got 100.5'],
      ['a hex cpuload', { host: 'web-02', cpuload: '0x10', memload: 2 }, 'cpuload must be a decimal number from 0 to 100, got "0x10"'],
      [
        'a time too far ahead',
        { host: 'web-02', cpuload: 1, memload: 2, time: T0_SEC + 61 },
        `time is more than 60 s in the future; it must be epoch seconds (epoch milliseconds are too far in the future), got ${T0_SEC + 61}`,
      ],
      [
        'a time out of the day window',
        { host: 'web-02', cpuload: 1, memload: 2, time: '2026-11-26T14:59:59Z' },
        'time is older than the last_day window (the current hour and the 23 before it), got "2026-11-26T14:59:59Z"',
      ],
      [
        'a time without a zone',
        { host: 'web-02', cpuload: 1, memload: 2, time: '2026-11-27T14:05:00' },
        'time must be epoch seconds or an ISO-8601 date-time with a zone (Z or ±hh:mm), got "2026-11-27T14:05:00"',
      ],
    ])('rejects the whole batch when one entry has %s, naming its index', async (_kind, entry, error) => {
      const { app } = testApp();
      await request(app)
        .post('/perf')
        .send([{ host: 'web-00', cpuload: 7, memload: 8 }])
        .expect(201);
      const before = await visibleState(app, 'web-00');
      await request(app)
        .post('/perf')
        .send([{ host: 'web-00', cpuload: 1, memload: 2 }, entry, { host: 'web-03', cpuload: 3, memload: 4 }])
        .expect(400, { error: '1 of 3 samples are invalid; none was recorded', details: [{ index: 1, error }] });
      expect(await visibleState(app, 'web-00')).toEqual(before);
    });

    it('lists every invalid entry in order', async () => {
      const { app } = testApp();
      await request(app)
        .post('/perf')
        .send([{ host: 'web-01', cpuload: 1 }, { host: 'web-02', cpuload: 1, memload: 2 }, 'web-03'])
        .expect(400, {
          error: '2 of 3 samples are invalid; none was recorded',
          details: [
            { index: 0, error: 'memload is required' },
            { index: 2, error: 'entry must be a JSON object with host, cpuload and memload, got "web-03"' },
          ],
        });
      await request(app).get('/perf').expect(200, []);
    });

    it('lists at most 20 of them and counts them all', async () => {
      const { app } = testApp();
      const entries = Array.from({ length: 25 }, (_, i) => ({ host: `web-${i}`, cpuload: 1, memload: 101 }));
      const res = await request(app).post('/perf').send(entries).expect(400);
      expect(res.body).toEqual({
        error: '25 of 25 samples are invalid (the first 20 are listed); none was recorded',
        details: Array.from({ length: 20 }, (_, index) => ({ index, error: 'memload must be a decimal number from 0 to 100, got 101' })),
      });
      await request(app).get('/perf').expect(200, []);
    });

    it('gives NDJSON line numbers (0-based, blank lines counted), malformed lines included', async () => {
      const { app } = testApp();
      const body = ndjson([
        { host: 'web-01', cpuload: 1, memload: 2 },
        '',
        '{"host": "web-02", "cpuload": 1,',
        '',
        { host: 'web-03', cpuload: -1, memload: 2 },
      ]);
      await postNdjson(app, body).expect(400, {
        error: '2 of 3 samples are invalid; none was recorded',
        details: [
          { index: 2, error: 'line is not valid JSON' },
          { index: 4, error: 'cpuload must be a decimal number from 0 to 100, got -1' },
        ],
      });
      await request(app).get('/perf').expect(200, []);
    });
  });

  describe('when the body as a whole is wrong', () => {
    it('answers 400 for a JSON object instead of an array', async () => {
      const { app } = testApp();
      await request(app)
        .post('/perf')
        .send({ host: 'web-01', cpuload: 1, memload: 2 })
        .expect(400, { error: 'a JSON request body must be an array of samples' });
      await request(app).get('/perf').expect(200, []);
    });

    it('answers 400 for malformed JSON', async () => {
      const { app } = testApp();
      await request(app)
        .post('/perf')
        .set('Content-Type', 'application/json')
        .send('[{"host": "web-01"')
        .expect(400, { error: 'request body is malformed JSON' });
    });

    it('answers 400 when there is no body', async () => {
      const { app } = testApp();
      await request(app).post('/perf').expect(400, { error: 'request body is required: a JSON array or NDJSON lines of samples' });
    });

    it('answers 415 for a form body', async () => {
      const { app } = testApp();
      await request(app)
        .post('/perf')
        .type('form')
        .send('host=web-01&cpuload=1&memload=2')
        .expect(415, { error: 'Content-Type must be application/json (an array) or application/x-ndjson' });
      await request(app).get('/perf').expect(200, []);
    });
  });

  describe('limits', () => {
    const limits: BulkLimits = { maxSamples: 3, maxBytes: 200 };
    const sample = { host: 'web-01', cpuload: 1, memload: 2 };

    it('accepts exactly the sample limit', async () => {
      const app = appWithLimits(limits);
      await request(app).post('/perf').send([sample, sample, sample]).expect(201, { accepted: 3 });
    });

    it('answers 413 naming the sample limit for one JSON entry more, and records nothing', async () => {
      const app = appWithLimits(limits);
      await request(app).post('/perf').send([sample, sample, sample, sample]).expect(413, {
        error: 'request body exceeds the 3-sample limit',
      });
      await request(app).get('/perf').expect(200, []);
    });

    it('answers 413 for one NDJSON line more, blank lines not counted', async () => {
      const app = appWithLimits(limits);
      await postNdjson(app, ndjson([sample, '', sample, sample])).expect(201, { accepted: 3 });
      await postNdjson(app, ndjson([sample, sample, sample, sample])).expect(413, {
        error: 'request body exceeds the 3-sample limit',
      });
    });

    it('answers 413 naming the byte limit for a larger body, JSON or NDJSON', async () => {
      const app = appWithLimits(limits);
      const padded = [{ ...sample, padding: 'x'.repeat(200) }];
      await request(app).post('/perf').send(padded).expect(413, { error: 'request body exceeds the 200 bytes limit' });
      await postNdjson(app, ndjson(padded)).expect(413, { error: 'request body exceeds the 200 bytes limit' });
      await request(app).get('/perf').expect(200, []);
    });

    it('defaults to 100,000 samples and 10 MiB', async () => {
      const { app } = testApp();
      expect(DEFAULT_BULK_LIMITS).toEqual({ maxSamples: 100_000, maxBytes: 10 * 1024 * 1024 });
      const overCount = `[${Array.from({ length: 100_001 }, () => '{}').join(',')}]`;
      await request(app).post('/perf').set('Content-Type', 'application/json').send(overCount).expect(413, {
        error: 'request body exceeds the 100000-sample limit',
      });
      const overBytes = `[${' '.repeat(10 * 1024 * 1024 - 1)}]`;
      await request(app).post('/perf').set('Content-Type', 'application/json').send(overBytes).expect(413, {
        error: 'request body exceeds the 10 MiB limit',
      });
    });
  });
});
