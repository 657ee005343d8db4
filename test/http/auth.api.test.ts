import request from '../helpers/api-request';
import { memoryLogger } from '../helpers/memory-logger';
import { T0_SEC, postSample, testApp, visibleState } from '../helpers/test-app';

const CURRENT = 'current-Token_1.~+/=';
const NEXT = 'next-token-2';
const TOKENS = [CURRENT, NEXT];
const CHALLENGE = 'Bearer realm="servertrack"';
const INVALID_TOKEN = 'Bearer realm="servertrack", error="invalid_token"';

function securedApp(): ReturnType<typeof testApp> {
  return testApp(T0_SEC, { authTokens: TOKENS });
}

describe('token auth', () => {
  describe('when SERVERTRACK_TOKEN is unset', () => {
    it('lets requests without Authorization through', async () => {
      const { app } = testApp();
      await postSample(app, 'web-01', { cpuload: '1', memload: '2' }).expect(201);
      await request(app).get('/perf').expect(200);
    });

    it('ignores an Authorization header it does not need', async () => {
      const { app } = testApp();
      await postSample(app, 'web-01', { cpuload: '1', memload: '2' }).set('Authorization', 'Basic Zm9vOmJhcg==').expect(201);
    });
  });

  describe('when tokens are configured', () => {
    it.each([
      ['no Authorization header', undefined, 'Authorization: Bearer <token> is required', CHALLENGE],
      ['another scheme', 'Basic Zm9vOmJhcg==', 'Authorization must use the Bearer scheme', CHALLENGE],
      ['a scheme that only starts like Bearer', 'Bearerx current-Token_1', 'Authorization must use the Bearer scheme', CHALLENGE],
      ['Bearer without a token', 'Bearer', 'Authorization: Bearer carries no token', INVALID_TOKEN],
      ['Bearer with only spaces after it', 'Bearer    ', 'Authorization: Bearer carries no token', INVALID_TOKEN],
      ['a wrong token', 'Bearer wrong', 'bearer token is not valid', INVALID_TOKEN],
      ['a prefix of a token', 'Bearer current-Token_1', 'bearer token is not valid', INVALID_TOKEN],
      ['a token with a suffix', `Bearer ${CURRENT}x`, 'bearer token is not valid', INVALID_TOKEN],
      ['a token in the wrong case', `Bearer ${CURRENT.toUpperCase()}`, 'bearer token is not valid', INVALID_TOKEN],
      ['two tokens in one header', `Bearer ${CURRENT} ${NEXT}`, 'bearer token is not valid', INVALID_TOKEN],
    ])('answers 401 to a POST with %s and records nothing', async (_case, authorization, message, challenge) => {
      const { app } = securedApp();
      const before = await visibleState(app, 'web-01', CURRENT);
      const post = postSample(app, 'web-01', { cpuload: '1', memload: '2' });
      if (authorization !== undefined) post.set('Authorization', authorization);
      const res = await post.expect(401);
      expect(res.body).toEqual({ error: message });
      expect(res.headers['www-authenticate']).toBe(challenge);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(await visibleState(app, 'web-01', CURRENT)).toEqual(before);
    });

    it.each([
      ['the current token', `Bearer ${CURRENT}`],
      ['the next token of a rotation', `Bearer ${NEXT}`],
      ['a lower-case scheme', `bearer ${CURRENT}`],
      ['an upper-case scheme', `BEARER ${CURRENT}`],
      ['several spaces after the scheme', `Bearer   ${CURRENT}`],
    ])('accepts %s', async (_case, authorization) => {
      const { app } = securedApp();
      await postSample(app, 'web-01', { cpuload: '1', memload: '2' }).set('Authorization', authorization).expect(201);
      const res = await request(app).get('/perf').set('Authorization', authorization).expect(200);
      expect(res.body).toEqual([{ host: 'web-01', last_seen: '2026-11-27T14:05:30Z', cpuload: 1, memload: 2 }]);
    });

    it.each([
      ['get', '/perf'],
      ['get', '/perf/'],
      ['get', '/perf/web-01/last_minute'],
      ['delete', '/perf/web-01'],
      ['post', '/perf'],
      ['put', '/perf'],
      ['options', '/perf/web-01'],
      ['get', '/perf/web-01/last_minute/extra'],
      ['get', '/PERF/web-01/last_minute'],
      ['get', '/Perf'],
      ['get', '/metrics'],
      ['get', '/metrics/'],
      ['post', '/metrics/anything'],
    ] as const)('guards %s %s', async (method, path) => {
      const { app } = securedApp();
      const res = await request(app)[method](path).expect(401);
      expect(res.body).toEqual({ error: 'Authorization: Bearer <token> is required' });
      expect(res.headers['www-authenticate']).toBe(CHALLENGE);
    });

    it('leaves /healthz open', async () => {
      const { app } = securedApp();
      await request(app).get('/healthz').expect(200, { status: 'ok' });
    });

    it.each(['/perfx', '/nothing'])('does not guard %s, which is not under /perf or /metrics', async (path) => {
      const { app } = securedApp();
      await request(app).get(path).expect(404, { error: `no route for GET ${path}` });
    });

    it('does not guard the dashboard page at /', async () => {
      const { app } = securedApp();
      await request(app).get('/').expect(200);
    });

    it('does not forget a host for a DELETE without the token', async () => {
      const { app } = securedApp();
      await postSample(app, 'web-01', { cpuload: '1', memload: '2' }).set('Authorization', `Bearer ${CURRENT}`).expect(201);
      const before = await visibleState(app, 'web-01', CURRENT);
      await request(app).delete('/perf/web-01').set('Authorization', 'Bearer nope').expect(401);
      expect(await visibleState(app, 'web-01', CURRENT)).toEqual(before);
      await request(app).delete('/perf/web-01').set('Authorization', `Bearer ${NEXT}`).expect(204);
    });

    it('checks the token before the body, so a refused request is never parsed', async () => {
      const { app } = securedApp();
      const res = await request(app).post('/perf/web-01').set('Content-Type', 'application/json').send('{broken').expect(401);
      expect(res.body).toEqual({ error: 'Authorization: Bearer <token> is required' });
    });

    it('never writes a token into the logs', async () => {
      const log = memoryLogger('debug');
      const { app } = testApp(T0_SEC, { authTokens: TOKENS, logger: log.logger });
      await postSample(app, 'web-01', { cpuload: '1', memload: '2' }).set('Authorization', 'Bearer guessed-token').expect(401);
      await postSample(app, 'web-01', { cpuload: '1', memload: '2' }).set('Authorization', `Bearer ${CURRENT}`).expect(201);
      await new Promise((resolve) => setImmediate(resolve));
      const logged = JSON.stringify(log.lines());
      expect(log.lines().map(({ path, status }) => ({ path, status }))).toEqual([
        { path: '/perf/web-01', status: 401 },
        { path: '/perf/web-01', status: 201 },
      ]);
      expect(logged).not.toContain('guessed-token');
      expect(logged).not.toContain(CURRENT);
    });
  });
});
