/*
 * The InfluxDB endpoints as Telegraf uses them: writes in line protocol (plain and gzip),
 * /ping, the CREATE DATABASE that Telegraf's influxdb output sends at start, InfluxDB's error
 * shape, and the four ways its clients carry a token.
 */
import zlib from 'node:zlib';
import { Test } from 'supertest';
import request from '../helpers/api-request';
import { T0_SEC, testApp, visibleState } from '../helpers/test-app';

const ISO_T0 = '2026-11-27T14:05:30Z';
const TS = `${T0_SEC}000000000`;

/** One Telegraf gather of one host: cpu-total, two cores, mem and an unrelated disk line. */
function gather(host: string, idle: number, used: number, timestamp = TS): string {
  return [
    `cpu,cpu=cpu-total,host=${host} usage_idle=${idle},usage_user=1.5,usage_system=0.5 ${timestamp}`,
    `cpu,cpu=cpu0,host=${host} usage_idle=50,usage_user=50 ${timestamp}`,
    `cpu,cpu=cpu1,host=${host} usage_idle=60,usage_user=40 ${timestamp}`,
    `mem,host=${host} available=4000000000i,used_percent=${used},total=8000000000i ${timestamp}`,
    `disk,device=sda1,host=${host},path=/ free=1i,used_percent=99 ${timestamp}`,
  ].join('\n');
}

function postLines(app: Parameters<typeof request>[0], path: string, body: string): Test {
  return request(app).post(path).set('Content-Type', 'text/plain; charset=utf-8').send(body);
}

describe('POST /api/v2/write and POST /write', () => {
  describe.each(['/api/v2/write?org=ops&bucket=telegraf&precision=ns', '/write?db=telegraf&rp=autogen&consistency=any&precision=ns'])(
    '%s',
    (path) => {
      it('answers 204 and records one sample per host for a Telegraf gather', async () => {
        const { app } = testApp();
        await postLines(app, path, `${gather('web-01', 82.25, 15.5)}\n${gather('WEB-02', 100, 30)}\n`).expect(204, '');
        await request(app)
          .get('/perf')
          .expect(200, [
            { host: 'web-01', last_seen: ISO_T0, cpuload: 17.75, memload: 15.5, status: 'live' },
            { host: 'web-02', last_seen: ISO_T0, cpuload: 0, memload: 30, status: 'live' },
          ]);
        const report = await request(app).get('/perf/web-01/last_minute').expect(200);
        expect(report.body).toEqual([
          {
            time: ISO_T0,
            interval: 1,
            samples: 1,
            cpuload: 17.75,
            memload: 15.5,
            cpuload_min: 17.75,
            cpuload_max: 17.75,
            memload_min: 15.5,
            memload_max: 15.5,
          },
        ]);
      });

      it('reads a gzip body, as Telegraf sends it by default', async () => {
        const { app } = testApp();
        await request(app)
          .post(path)
          .set('Content-Encoding', 'gzip')
          .serialize((raw: unknown) => raw as string)
          .send(zlib.gzipSync(gather('web-01', 90, 20)) as unknown as string)
          .expect(204);
        await request(app)
          .get('/perf')
          .expect(200, [{ host: 'web-01', last_seen: ISO_T0, cpuload: 10, memload: 20, status: 'live' }]);
      });
    },
  );

  it('reads a body without a Content-Type, and timestamps at the precision asked for', async () => {
    const { app } = testApp();
    await request(app)
      .post('/write?precision=s')
      .serialize((raw: unknown) => raw as string)
      .send(
        `cpu,cpu=cpu-total,host=web-01 usage_idle=75 ${T0_SEC - 120}\nmem,host=web-01 used_percent=25 ${T0_SEC - 120}` as unknown as string,
      )
      .unset('Content-Type')
      .expect(204);
    const hour = await request(app).get('/perf/web-01/last_hour').expect(200);
    expect(hour.body.map((i: { time: string; cpuload: number; memload: number }) => [i.time, i.cpuload, i.memload])).toEqual([
      ['2026-11-27T14:03:00Z', 25, 25],
    ]);
  });

  it('pairs a cpu line and a mem line of the same second that came in two batches', async () => {
    const { app } = testApp();
    await postLines(app, '/api/v2/write', `cpu,cpu=cpu-total,host=web-01 usage_idle=60 ${TS}`).expect(204);
    await request(app).get('/perf').expect(200, []);
    await postLines(app, '/api/v2/write', `mem,host=web-01 used_percent=70 ${TS}`).expect(204);
    await request(app)
      .get('/perf')
      .expect(200, [{ host: 'web-01', last_seen: ISO_T0, cpuload: 40, memload: 70, status: 'live' }]);
  });

  it('counts ignored lines and recorded samples in /metrics', async () => {
    const { app } = testApp();
    await postLines(app, '/api/v2/write', gather('web-01', 50, 50)).expect(204);
    const metrics = await request(app).get('/metrics').expect(200);
    const agentLines = metrics.text.split('\n').filter((line) => line.startsWith('servertrack_agent_') && line.includes('line_protocol'));
    expect(agentLines).toEqual([
      'servertrack_agent_samples_total{format="line_protocol"} 1',
      'servertrack_agent_ignored_total{format="line_protocol",reason="measurement"} 1',
      'servertrack_agent_ignored_total{format="line_protocol",reason="per_core"} 2',
      'servertrack_agent_unpaired_total{format="line_protocol"} 0',
      'servertrack_agent_waiting_values{format="line_protocol"} 0',
    ]);
  });

  describe('when the request is refused', () => {
    it('answers 400 in InfluxDB’s shape naming the line, and records nothing, the valid lines included', async () => {
      const { app } = testApp();
      const before = await visibleState(app, 'web-01');
      const body = `${gather('web-01', 50, 50)}\nmem used_percent=1 ${TS}`;
      await postLines(app, '/api/v2/write', body).expect(400, {
        code: 'invalid',
        message: 'line 6: a mem line needs a host tag; nothing was recorded',
      });
      expect(await visibleState(app, 'web-01')).toEqual(before);
      // Nothing of it is held either: a later mem line does not pair with the refused cpu line.
      await postLines(app, '/api/v2/write', `mem,host=web-01 used_percent=1 ${TS}`).expect(204);
      await request(app).get('/perf').expect(200, []);
    });

    it.each([
      ['an empty body', '/api/v2/write', '', 'writing requires points: the body must hold InfluxDB line protocol, one point per line'],
      ['a bad precision', '/write?precision=h', 'x a=1', 'precision must be one of ns, u, ms, s, got "h"'],
      [
        'an unknown parameter',
        '/api/v2/write?database=x',
        'x a=1',
        'unknown query parameter "database"; allowed: org, orgID, bucket, precision',
      ],
      [
        'a v2 parameter on /write',
        '/write?bucket=x',
        'x a=1',
        'unknown query parameter "bucket"; allowed: db, rp, precision, consistency, u, p',
      ],
    ])('answers 400 for %s', async (_what, path, body, message) => {
      const { app } = testApp();
      await postLines(app, path, body).expect(400, { code: 'invalid', message });
    });

    it('answers 413 past the line limit, naming it', async () => {
      const app = testApp(T0_SEC, { bulkLimits: { maxSamples: 4, maxBytes: 1024 * 1024 } }).app;
      await postLines(app, '/api/v2/write', gather('web-01', 50, 50)).expect(413, {
        code: 'request too large',
        message: 'request body exceeds the 4-line limit (SERVERTRACK_BULK_MAX_SAMPLES)',
      });
    });

    it('answers 413 past the byte limit, naming it', async () => {
      const app = testApp(T0_SEC, { bulkLimits: { maxSamples: 100, maxBytes: 100 } }).app;
      await postLines(app, '/write', gather('web-01', 50, 50)).expect(413, {
        code: 'request too large',
        message: 'request body exceeds the 100 bytes limit',
      });
    });

    it('answers 503 at the host cap, holds nothing back, and a retry after room is made records the gather once', async () => {
      const { app } = testApp(T0_SEC, { maxHosts: 1 });
      await postLines(app, '/api/v2/write', gather('web-01', 50, 50)).expect(204);
      await postLines(app, '/api/v2/write', gather('web-02', 10, 20)).expect(503, {
        code: 'unavailable',
        message:
          'this request would track more than 1 hosts (SERVERTRACK_MAX_HOSTS); none was recorded; raise SERVERTRACK_MAX_HOSTS or DELETE /perf/{host} for hosts no longer needed',
      });
      await request(app).delete('/perf/web-01').expect(204);
      await postLines(app, '/api/v2/write', gather('web-02', 10, 20)).expect(204);
      const report = await request(app).get('/perf/web-02/last_minute').expect(200);
      expect(report.body.map((i: { samples: number; cpuload: number }) => [i.samples, i.cpuload])).toEqual([[1, 90]]);
    });

    it('answers 405 with Allow for another method', async () => {
      const { app } = testApp();
      await request(app)
        .get('/write')
        .expect('Allow', 'POST, OPTIONS')
        .expect(405, { error: 'method GET is not allowed here; allowed: POST, OPTIONS' });
    });
  });
});

describe('GET and HEAD /ping', () => {
  it('answers 204, also when tokens are set', async () => {
    const { app } = testApp(T0_SEC, { authTokens: ['s3cret'] });
    await request(app).get('/ping').expect(204, '');
    await request(app).head('/ping').expect(204);
  });
});

describe('POST /query', () => {
  it.each(['CREATE DATABASE "telegraf"', 'create database telegraf;', 'CREATE DATABASE "my \\"db\\""'])(
    'answers InfluxDB’s success body to %s',
    async (q) => {
      const { app } = testApp();
      await request(app)
        .post('/query')
        .type('form')
        .send({ q })
        .expect(200, { results: [{ statement_id: 0 }] });
    },
  );

  it('takes the statement from the query string too', async () => {
    const { app } = testApp();
    await request(app)
      .post('/query?q=CREATE%20DATABASE%20telegraf')
      .expect(200, { results: [{ statement_id: 0 }] });
  });

  it('answers 400 to any other statement, and to none', async () => {
    const { app } = testApp();
    await request(app).post('/query').type('form').send({ q: 'DROP DATABASE "telegraf"' }).expect(400, {
      code: 'invalid',
      message:
        'only CREATE DATABASE is supported (ServerTrack keeps no databases; it is accepted so Telegraf starts), got "DROP DATABASE \\"telegraf\\""',
    });
    await request(app).post('/query').expect(400, { code: 'invalid', message: 'q is required: the statement to run, as a form field' });
  });
});

describe('auth on the InfluxDB endpoints', () => {
  const INGEST = 'ingest-1';
  const READ = 'read-1';
  const tokens = { ingestTokens: [INGEST], readTokens: [READ] };
  const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it.each([
    ['Token', '/api/v2/write', { Authorization: `Token ${INGEST}` }],
    ['Bearer', '/api/v2/write', { Authorization: `Bearer ${INGEST}` }],
    ['Basic, the token as password', '/write?u=telegraf', { Authorization: basic('telegraf', INGEST) }],
    ['the p query parameter', `/write?u=telegraf&p=${INGEST}`, {}],
  ])('accepts an ingest token as %s', async (_how, path, headers) => {
    const { app } = testApp(T0_SEC, tokens);
    await postLines(app, path, gather('web-01', 50, 50))
      .set(headers)
      .expect(204);
    await request(app)
      .get('/perf')
      .set('Authorization', `Bearer ${READ}`)
      .expect(200, [{ host: 'web-01', last_seen: ISO_T0, cpuload: 50, memload: 50, status: 'live' }]);
  });

  it.each([
    ['no token', '/api/v2/write', {}, 401, 'unauthorized', 'a token is required: Token <token>, Bearer <token>, Basic <token>'],
    ['a wrong token', '/api/v2/write', { Authorization: 'Token nope' }, 401, 'unauthorized', 'token is not valid'],
    [
      'p on the v2 endpoint',
      `/api/v2/write?p=${INGEST}`,
      {},
      401,
      'unauthorized',
      'a token is required: Token <token>, Bearer <token>, Basic <token>',
    ],
    ['another scheme', '/write', { Authorization: 'Digest x' }, 401, 'unauthorized', 'Authorization must use Token, Bearer, Basic'],
    [
      'Basic without a password',
      '/write',
      { Authorization: basic('telegraf', '') },
      401,
      'unauthorized',
      'Authorization: Basic must carry user:token (the token as the password)',
    ],
    [
      'a read token',
      '/api/v2/write',
      { Authorization: `Token ${READ}` },
      403,
      'forbidden',
      'this token may not record samples: it lacks the ingest scope',
    ],
  ])('refuses %s in InfluxDB’s shape, recording nothing', async (_what, path, headers, status, code, message) => {
    const { app } = testApp(T0_SEC, tokens);
    const res = await postLines(app, path, gather('web-01', 50, 50))
      .set(headers)
      .expect(status, { code, message });
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="servertrack"/);
    await request(app).get('/perf').set('Authorization', `Bearer ${READ}`).expect(200, []);
  });

  it('guards /query too', async () => {
    const { app } = testApp(T0_SEC, tokens);
    await request(app).post('/query').type('form').send({ q: 'CREATE DATABASE telegraf' }).expect(401);
    await request(app)
      .post('/query')
      .set('Authorization', basic('telegraf', INGEST))
      .type('form')
      .send({ q: 'CREATE DATABASE telegraf' })
      .expect(200, { results: [{ statement_id: 0 }] });
  });
});
