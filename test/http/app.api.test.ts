import request from '../helpers/api-request';
import { createApp } from '../../src/app';
import { HostStore } from '../../src/store/host-store';
import { fakeClock } from '../helpers/fake-clock';
import { memoryLogger } from '../helpers/memory-logger';
import { T0_SEC, testApp } from '../helpers/test-app';

describe('GET /healthz', () => {
  it('answers ok', async () => {
    await request(testApp().app).get('/healthz').expect(200, { status: 'ok' });
  });
});

describe('unknown routes', () => {
  it.each(['/nothing', '/js/nothing.js', '/vendor/uplot/nothing.js', '/perf/web-01/last_hour/extra', '/perf//last_hour'])(
    'answer 404 JSON for GET %s',
    async (path) => {
      const res = await request(testApp().app).get(path).expect(404);
      expect(res.body).toEqual({ error: `no route for GET ${path}` });
    },
  );
});

describe('wrong methods on known paths', () => {
  it.each([
    ['put', '/perf', 'GET, HEAD, POST, OPTIONS'],
    ['delete', '/perf/', 'GET, HEAD, POST, OPTIONS'],
    ['put', '/perf/web-01', 'GET, POST, DELETE, OPTIONS'],
    ['patch', '/perf/web-01/', 'GET, POST, DELETE, OPTIONS'],
    ['post', '/fleet/last_hour', 'GET, HEAD, OPTIONS'],
    ['post', '/perf/web-01/last_hour', 'GET, HEAD, OPTIONS'],
    ['delete', '/perf/web-01/last_hour', 'GET, HEAD, OPTIONS'],
    ['post', '/healthz', 'GET, HEAD, OPTIONS'],
  ] as const)('%s %s answers 405 with Allow: %s', async (method, path, allow) => {
    const res = await request(testApp().app)[method](path).expect(405);
    expect(res.headers.allow).toBe(allow);
    expect(res.body).toEqual({ error: `method ${method.toUpperCase()} is not allowed here; allowed: ${allow}` });
  });

  it('answers OPTIONS with 204 and the Allow header', async () => {
    const res = await request(testApp().app).options('/perf/web-01').expect(204);
    expect(res.headers.allow).toBe('GET, POST, DELETE, OPTIONS');
  });
});

describe('responses', () => {
  it('do not advertise the framework', async () => {
    const res = await request(testApp().app).get('/healthz').expect(200);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('unexpected failures', () => {
  it('answer 500 without a stack trace and log the error once', async () => {
    const clock = fakeClock(T0_SEC);
    const store = new HostStore();
    store.visitHosts = () => {
      throw new Error('disk on fire at /srv/secret/path.ts:12');
    };
    const log = memoryLogger();
    const app = createApp({ store, clock, logger: log.logger });
    const res = await request(app).get('/perf').expect(500);
    expect(res.body).toEqual({ error: 'internal error' });
    expect(res.text).not.toContain('secret');
    await new Promise((resolve) => setImmediate(resolve));
    const lines = log.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, msg: 'request failed', err: { message: 'disk on fire at /srv/secret/path.ts:12' } });
  });

  it('answer 500 when a promise-returning store rejects', async () => {
    const clock = fakeClock(T0_SEC);
    const store = new HostStore();
    store.forget = () => Promise.reject(new Error('connection lost')) as never;
    const app = createApp({ store, clock });
    await request(app).delete('/perf/web-01').expect(500, { error: 'internal error' });
  });
});

describe('a store that answers with promises', () => {
  it('serves the same contract as the in-memory one', async () => {
    const clock = fakeClock(T0_SEC);
    const inner = new HostStore();
    const app = createApp({
      clock,
      store: {
        maxHosts: inner.maxHosts,
        record: async (...args) => inner.record(...args),
        recordBatch: async (...args) => inner.recordBatch(...args),
        report: async (...args) => inner.report(...args),
        hosts: async (...args) => inner.hosts(...args),
        summary: async (...args) => inner.summary(...args),
        visitHosts: async (...args) => inner.visitHosts(...args),
        forget: async (...args) => inner.forget(...args),
      },
    });
    await request(app).post('/perf/web-01').send({ cpuload: 10, memload: 20 }).expect(201, '');
    const res = await request(app).get('/perf/web-01/last_minute').expect(200);
    expect(res.body).toEqual([
      {
        time: '2026-11-27T14:05:30Z',
        interval: 1,
        samples: 1,
        cpuload: 10,
        memload: 20,
        cpuload_min: 10,
        cpuload_max: 10,
        memload_min: 20,
        memload_max: 20,
      },
    ]);
    await request(app)
      .get('/perf')
      .expect(200, [{ host: 'web-01', last_seen: '2026-11-27T14:05:30Z', cpuload: 10, memload: 20, status: 'live' }]);
    await request(app)
      .post('/perf')
      .send([{ host: 'web-02', cpuload: 30, memload: 40 }])
      .expect(201, { accepted: 1 });
    await request(app)
      .get('/perf/web-02/last_minute')
      .expect(200, [
        {
          time: '2026-11-27T14:05:30Z',
          interval: 1,
          samples: 1,
          cpuload: 30,
          memload: 40,
          cpuload_min: 30,
          cpuload_max: 30,
          memload_min: 40,
          memload_max: 40,
        },
      ]);
    await request(app).delete('/perf/web-01').expect(204);
    await request(app).get('/perf/web-01/last_minute').expect(404, { error: "host 'web-01' is not known" });
  });
});

describe('access logs', () => {
  it('write one debug line per request when LOG_LEVEL is debug', async () => {
    const log = memoryLogger('debug');
    const app = createApp({ clock: fakeClock(T0_SEC), logger: log.logger });
    await request(app).post('/perf/web-01').type('form').send('cpuload=1&memload=2').expect(201);
    await request(app).get('/perf/nobody/last_hour').expect(404);
    await new Promise((resolve) => setImmediate(resolve));
    const lines = log.lines().map(({ method, path, status, msg }) => ({ method, path, status, msg }));
    expect(lines).toEqual([
      { method: 'POST', path: '/perf/web-01', status: 201, msg: 'request' },
      { method: 'GET', path: '/perf/nobody/last_hour', status: 404, msg: 'request' },
    ]);
  });

  it('carry the client address, and for a 4xx the error message the client got', async () => {
    const log = memoryLogger('debug');
    const app = createApp({ clock: fakeClock(T0_SEC), logger: log.logger });
    await request(app).post('/perf/web-01').type('form').send('cpuload=5%&memload=2').expect(400);
    await request(app).get('/perf/nobody/last_hour').expect(404);
    await request(app).put('/perf').expect(405);
    await request(app).get('/nothing').expect(404);
    await request(app).get('/perf').expect(200);
    await new Promise((resolve) => setImmediate(resolve));
    const lines = log.lines().map(({ status, remoteAddress, error }) => ({ status, remoteAddress, error }));
    const client = expect.stringMatching(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
    expect(lines).toEqual([
      { status: 400, remoteAddress: client, error: 'cpuload must be a decimal number from 0 to 100, got "5%"' },
      { status: 404, remoteAddress: client, error: "host 'nobody' is not known" },
      { status: 405, remoteAddress: client, error: 'method PUT is not allowed here; allowed: GET, HEAD, POST, OPTIONS' },
      { status: 404, remoteAddress: client, error: 'no route for GET /nothing' },
      { status: 200, remoteAddress: client, error: undefined },
    ]);
  });

  // What a test that signals a server mid-request waits for: the request is in, its body still coming.
  it('also write a trace line when a request starts, before its body is read, when LOG_LEVEL is trace', async () => {
    const log = memoryLogger('trace');
    const app = createApp({ clock: fakeClock(T0_SEC), logger: log.logger });
    await request(app).post('/perf/web-01').type('form').send('cpuload=1&memload=2').expect(201);
    await new Promise((resolve) => setImmediate(resolve));
    const lines = log.lines().map(({ level, method, path, status, msg }) => ({ level, method, path, status, msg }));
    expect(lines).toEqual([
      { level: 10, method: 'POST', path: '/perf/web-01', status: undefined, msg: 'request started' },
      { level: 20, method: 'POST', path: '/perf/web-01', status: 201, msg: 'request' },
    ]);
  });

  it('are not written at info', async () => {
    const log = memoryLogger('info');
    const app = createApp({ clock: fakeClock(T0_SEC), logger: log.logger });
    await request(app).post('/perf/web-01').type('form').send('cpuload=1&memload=2').expect(201);
    await new Promise((resolve) => setImmediate(resolve));
    expect(log.lines()).toEqual([]);
  });
});
