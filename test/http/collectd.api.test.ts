/*
 * POST /collectd as write_http sends it: value lists in JSON or PUTVAL commands, one read
 * possibly split over several requests, with a token as Basic password or Bearer.
 */
import { Test } from 'supertest';
import request from '../helpers/api-request';
import { T0_SEC, testApp, visibleState } from '../helpers/test-app';

/** A read a quarter of a second before the clock's time, T0_SEC (2026-11-27T14:05:30Z). */
const T = T0_SEC - 0.25;
const ISO_T = '2026-11-27T14:05:29Z';

function valueList(plugin: string, typeInstance: string, value: number, host = 'web-01', time = T) {
  return {
    values: [value],
    dstypes: ['gauge'],
    dsnames: ['value'],
    time,
    interval: 1,
    host,
    plugin,
    plugin_instance: '',
    type: 'percent',
    type_instance: typeInstance,
  };
}

/** One read of the cpu and memory plugins, as write_http's Format "JSON" lists it. */
function read(host: string, idle: number, used: number, time = T) {
  return [
    valueList('cpu', 'user', 100 - idle, host, time),
    valueList('cpu', 'idle', idle, host, time),
    valueList('memory', 'used', used, host, time + 0.001),
    valueList('memory', 'free', 100 - used, host, time + 0.001),
  ];
}

function postJson(app: Parameters<typeof request>[0], lists: unknown[]): Test {
  return request(app).post('/collectd').set('Content-Type', 'application/json').send(JSON.stringify(lists));
}

function postCommands(app: Parameters<typeof request>[0], lines: string[]): Test {
  return request(app)
    .post('/collectd')
    .set('Content-Type', 'text/plain')
    .send(lines.map((l) => `${l}\r\n`).join(''));
}

describe('POST /collectd', () => {
  it('records one sample per read from Format "JSON"', async () => {
    const { app } = testApp();
    await postJson(app, [...read('web-01', 80, 40), ...read('db-01', 25, 60)]).expect(204, '');
    await request(app)
      .get('/perf')
      .expect(200, [
        { host: 'db-01', last_seen: ISO_T, cpuload: 75, memload: 60, status: 'live' },
        { host: 'web-01', last_seen: ISO_T, cpuload: 20, memload: 40, status: 'live' },
      ]);
  });

  it('records one sample per read from Format "Command"', async () => {
    const { app } = testApp();
    await postCommands(app, [
      `PUTVAL web-01/cpu/percent-idle interval=1.000 ${T}:70`,
      `PUTVAL web-01/cpu/percent-user interval=1.000 ${T}:30`,
      `PUTVAL web-01/memory/percent-used interval=1.000 ${T}:55.5`,
    ]).expect(204, '');
    await request(app)
      .get('/perf')
      .expect(200, [{ host: 'web-01', last_seen: ISO_T, cpuload: 30, memload: 55.5, status: 'live' }]);
  });

  it('pairs a read split over two requests, and one sample per read of a stream', async () => {
    const { app } = testApp();
    const [user, idle, used, free] = read('web-01', 90, 10, T - 2);
    await postJson(app, [user, idle]).expect(204);
    await request(app).get('/perf').expect(200, []);
    await postJson(app, [used, free, ...read('web-01', 80, 20, T - 1).slice(0, 2)]).expect(204);
    await postJson(app, [...read('web-01', 80, 20, T - 1).slice(2), ...read('web-01', 70, 30, T)]).expect(204);
    const report = await request(app).get('/perf/web-01/last_minute').expect(200);
    expect(
      report.body.map((i: { time: string; samples: number; cpuload: number; memload: number }) => [
        i.time,
        i.samples,
        i.cpuload,
        i.memload,
      ]),
    ).toEqual([
      ['2026-11-27T14:05:27Z', 1, 10, 10],
      ['2026-11-27T14:05:28Z', 1, 20, 20],
      ['2026-11-27T14:05:29Z', 1, 30, 30],
    ]);
    const metrics = await request(app).get('/metrics').expect(200);
    expect(metrics.text.split('\n').filter((l) => l.startsWith('servertrack_agent_') && l.includes('collectd'))).toEqual([
      'servertrack_agent_samples_total{format="collectd"} 3',
      'servertrack_agent_ignored_total{format="collectd",reason="plugin"} 6',
      'servertrack_agent_ignored_total{format="collectd",reason="undefined"} 0',
      'servertrack_agent_unpaired_total{format="collectd"} 0',
      'servertrack_agent_waiting_values{format="collectd"} 0',
    ]);
  });

  describe('when the request is refused', () => {
    it('answers 400 naming the value list, and records nothing', async () => {
      const { app } = testApp();
      const before = await visibleState(app, 'web-01');
      await postJson(app, [...read('web-01', 80, 40), { ...valueList('memory', 'used', 140) }]).expect(400, {
        error: 'value list 5: memory/percent-used must be a number from 0 to 100, got 140; nothing was recorded',
      });
      expect(await visibleState(app, 'web-01')).toEqual(before);
    });

    it.each([
      ['an empty body', 'text/plain', '', 400, 'request body is required: write_http value lists, Format "JSON" or "Command"'],
      ['malformed JSON', 'application/json', '[{', 400, 'request body is malformed JSON'],
      [
        'another type',
        'application/x-ndjson',
        '{}',
        415,
        'Content-Type must be application/json (Format "JSON") or text/plain (Format "Command")',
      ],
    ])('answers %s with %s', async (_what, type, body, status, error) => {
      const { app } = testApp();
      await request(app).post('/collectd').set('Content-Type', type).send(body).expect(status, { error });
    });

    it('answers 400 to a query parameter', async () => {
      const { app } = testApp();
      await postJson(app, read('web-01', 1, 1))
        .query({ format: 'json' })
        .expect(400, { error: 'unknown query parameter "format"; this route takes none' });
    });
  });

  describe('with tokens set', () => {
    const tokens = { ingestTokens: ['ingest-1'], readTokens: ['read-1'] };

    it.each([
      ['Basic, the token as password (write_http User/Password)', `Basic ${Buffer.from('collectd:ingest-1').toString('base64')}`],
      ['Bearer', 'Bearer ingest-1'],
    ])('accepts %s', async (_how, authorization) => {
      const { app } = testApp(T0_SEC, tokens);
      await postJson(app, read('web-01', 80, 40))
        .set('Authorization', authorization)
        .expect(204);
    });

    it.each([
      ['no token', undefined, 401, 'a token is required: Bearer <token>, Basic <token>'],
      ['Token (InfluxDB only)', 'Token ingest-1', 401, 'Authorization must use Bearer, Basic'],
      ['a read token', 'Bearer read-1', 403, 'this token may not record samples: it lacks the ingest scope'],
    ])('refuses %s', async (_what, authorization, status, error) => {
      const { app } = testApp(T0_SEC, tokens);
      const req = postJson(app, read('web-01', 80, 40));
      if (authorization !== undefined) req.set('Authorization', authorization);
      await req.expect(status, { error });
      await request(app).get('/perf').set('Authorization', 'Bearer read-1').expect(200, []);
    });
  });
});
