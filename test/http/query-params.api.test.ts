/*
 * Every API route reads a declared set of query parameters (most none, a report `fill`);
 * any other answers 400 naming it, so a client never believes a filter like ?since= worked.
 */
import request from '../helpers/api-request';
import { T0_SEC, postSample, testApp, visibleState } from '../helpers/test-app';

const NONE = 'this route takes none';
const LISTING = 'allowed: match, status, window, sort, limit, cursor';

describe('query parameters', () => {
  describe('when a route gets one it does not read', () => {
    it.each([
      ['get', '/perf?since=2026-11-27T14:00:00Z', 'since', LISTING],
      ['get', '/perf/?format=csv', 'format', LISTING],
      ['get', '/perf?match[]=web-*', 'match[]', LISTING],
      ['get', '/perf/web-01?window=last_hour', 'window', NONE],
      ['get', '/fleet/last_hour?window=last_hour', 'window', 'allowed: match, status, fill'],
      ['get', '/perf/web-01/last_hour?format=csv', 'format', 'allowed: fill'],
      ['get', '/perf/web-01/last_hour?fill=true&since=5', 'since', 'allowed: fill'],
      ['head', '/perf/web-01/last_hour?since=5', 'since', 'allowed: fill'],
      ['delete', '/perf/web-01?force=1', 'force', NONE],
      ['get', '/healthz?verbose', 'verbose', NONE],
      ['get', '/metrics?name[]=x', 'name[]', NONE],
      ['get', '/openapi.json?format=yaml', 'format', NONE],
    ] as const)('%s %s answers 400 naming %j and changes nothing', async (method, url, name, allowed) => {
      const { app } = testApp();
      await postSample(app, 'web-01', { cpuload: '1', memload: '2' }).expect(201);
      const before = await visibleState(app, 'web-01');
      const res = await request(app)[method](url).expect(400);
      if (method !== 'head') expect(res.body).toEqual({ error: `unknown query parameter "${name}"; ${allowed}` });
      expect(await visibleState(app, 'web-01')).toEqual(before);
    });

    it('POST /perf/:host answers 400 and records nothing', async () => {
      const { app } = testApp();
      await request(app)
        .post('/perf/web-01?time=1')
        .type('form')
        .send('cpuload=1&memload=2')
        .expect(400, { error: `unknown query parameter "time"; ${NONE}` });
      await request(app).get('/perf').expect(200, []);
    });

    it('POST /perf (bulk) answers 400 and records nothing', async () => {
      const { app } = testApp();
      await request(app)
        .post('/perf?dry_run=1')
        .send([{ host: 'web-01', cpuload: 1, memload: 2 }])
        .expect(400, { error: `unknown query parameter "dry_run"; ${NONE}` });
      await request(app).get('/perf').expect(200, []);
    });

    it('names the name as JSON, escaped and cut after 40 characters', async () => {
      const { app } = testApp();
      await request(app)
        .get(`/perf?${'x'.repeat(100)}=1`)
        .expect(400, { error: `unknown query parameter "${'x'.repeat(39)}…; ${LISTING}` });
      await request(app)
        .get('/perf?%22%0A=1')
        .expect(400, { error: `unknown query parameter "\\"\\n"; ${LISTING}` });
    });
  });

  describe('when the query string holds only what the route reads', () => {
    it('answers as without it', async () => {
      const { app } = testApp(T0_SEC);
      await postSample(app, 'web-01', { cpuload: '1', memload: '2' }).expect(201);
      const filled = await request(app).get('/perf/web-01/last_minute?fill=true').expect(200);
      expect(filled.body).toHaveLength(60);
      await request(app).get('/perf?').expect(200);
      await request(app).get('/healthz?').expect(200, { status: 'ok' });
    });
  });

  describe('the dashboard', () => {
    it('keeps ignoring the query of its static files (cache busters)', async () => {
      const { app } = testApp();
      await request(app).get('/?v=2').expect(200);
      await request(app).get('/dashboard.css?v=2').expect(200);
    });
  });

  describe('an unknown route', () => {
    it('is still a 404, whatever its query', async () => {
      const { app } = testApp();
      await request(app).get('/nothing?since=1').expect(404, { error: 'no route for GET /nothing' });
    });
  });
});
