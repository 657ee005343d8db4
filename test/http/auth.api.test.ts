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
      expect(res.body).toEqual([{ host: 'web-01', last_seen: '2026-11-27T14:05:30Z', cpuload: 1, memload: 2, status: 'live' }]);
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
      await request(app)
        .get(path)
        .expect(404, { error: `no route for GET ${path}` });
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

  describe('with scoped tokens', () => {
    const FULL = 'full-token';
    const AGENT = 'agent-token';
    const READER = 'reader-token';
    const BOTH = 'ingest-and-read';
    const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });
    const lacks = (scope: string): string => `Bearer realm="servertrack", error="insufficient_scope", scope="${scope}"`;
    const CANNOT_INGEST = 'this token may not record samples: it lacks the ingest scope';
    const CANNOT_READ = 'this token may not read reports, host listings or metrics: it lacks the read scope';
    const CANNOT_DELETE = 'this token may not use DELETE: it lacks the full scope';

    function scopedApp(): ReturnType<typeof testApp> {
      return testApp(T0_SEC, { authTokens: [FULL], ingestTokens: [AGENT, BOTH], readTokens: [READER, BOTH] });
    }

    async function seeded(): Promise<ReturnType<typeof testApp>> {
      const scoped = scopedApp();
      await postSample(scoped.app, 'web-01', { cpuload: '1', memload: '2' }).set(bearer(FULL)).expect(201);
      return scoped;
    }

    describe('an ingest token', () => {
      it('records one sample and many', async () => {
        const { app } = scopedApp();
        await postSample(app, 'web-01', { cpuload: '1', memload: '2' }).set(bearer(AGENT)).expect(201);
        await request(app)
          .post('/perf')
          .set(bearer(AGENT))
          .send([{ host: 'web-02', cpuload: 3, memload: 4 }])
          .expect(201, { accepted: 1 });
        const res = await request(app).get('/perf').set(bearer(FULL)).expect(200);
        expect(res.body.map((h: { host: string }) => h.host)).toEqual(['web-01', 'web-02']);
      });

      it.each([
        ['get', '/perf'],
        ['get', '/perf/web-01/last_minute'],
        ['head', '/perf/web-01/last_minute'],
        ['get', '/metrics'],
      ] as const)('gets 403 naming the read scope for %s %s', async (method, path) => {
        const { app } = await seeded();
        const res = await request(app)[method](path).set(bearer(AGENT)).expect(403);
        if (method === 'get') expect(res.body).toEqual({ error: CANNOT_READ });
        expect(res.headers['www-authenticate']).toBe(lacks('read'));
      });

      it('gets 403 naming the full scope for a DELETE, and the host stays', async () => {
        const { app } = await seeded();
        const before = await visibleState(app, 'web-01', FULL);
        const res = await request(app).delete('/perf/web-01').set(bearer(AGENT)).expect(403, { error: CANNOT_DELETE });
        expect(res.headers['www-authenticate']).toBe(lacks('full'));
        expect(await visibleState(app, 'web-01', FULL)).toEqual(before);
      });
    });

    describe('a read token', () => {
      it('reads reports, the host listing and the metrics', async () => {
        const { app } = await seeded();
        await request(app)
          .get('/perf')
          .set(bearer(READER))
          .expect(200, [{ host: 'web-01', last_seen: '2026-11-27T14:05:30Z', cpuload: 1, memload: 2, status: 'live' }]);
        const report = await request(app).get('/perf/web-01/last_minute').set(bearer(READER)).expect(200);
        expect(report.body.at(-1)).toMatchObject({ samples: 1, cpuload: 1, memload: 2 });
        await request(app).head('/perf/web-01/last_hour').set(bearer(READER)).expect(200);
        await request(app).get('/metrics').set(bearer(READER)).expect(200);
      });

      it.each([
        ['one sample', (app: ReturnType<typeof testApp>['app']) => postSample(app, 'web-09', { cpuload: '1', memload: '2' })],
        [
          'a bulk request',
          (app: ReturnType<typeof testApp>['app']) =>
            request(app)
              .post('/perf')
              .send([{ host: 'web-09', cpuload: 1, memload: 2 }]),
        ],
      ])('gets 403 naming the ingest scope for %s, and records nothing', async (_case, post) => {
        const { app } = await seeded();
        const before = await visibleState(app, 'web-09', FULL);
        const res = await post(app).set(bearer(READER)).expect(403, { error: CANNOT_INGEST });
        expect(res.headers['www-authenticate']).toBe(lacks('ingest'));
        expect(await visibleState(app, 'web-09', FULL)).toEqual(before);
      });

      it('gets 403 naming the full scope for a DELETE, and the host stays', async () => {
        const { app } = await seeded();
        const before = await visibleState(app, 'web-01', FULL);
        await request(app).delete('/perf/web-01').set(bearer(READER)).expect(403, { error: CANNOT_DELETE });
        expect(await visibleState(app, 'web-01', FULL)).toEqual(before);
      });

      it('may ask which methods a path serves', async () => {
        const { app } = scopedApp();
        const res = await request(app).options('/perf/web-01').set(bearer(READER)).expect(204);
        expect(res.headers.allow).toBe('GET, POST, DELETE, OPTIONS');
      });
    });

    it('gives a token listed as ingest and as read both scopes, but not DELETE', async () => {
      const { app } = scopedApp();
      await postSample(app, 'web-01', { cpuload: '1', memload: '2' }).set(bearer(BOTH)).expect(201);
      await request(app).get('/perf').set(bearer(BOTH)).expect(200);
      await request(app).delete('/perf/web-01').set(bearer(BOTH)).expect(403, { error: CANNOT_DELETE });
    });

    it('still lets a full token forget a host', async () => {
      const { app } = await seeded();
      await request(app).delete('/perf/web-01').set(bearer(FULL)).expect(204);
    });

    it('answers a wrong token with 401, not 403', async () => {
      const { app } = scopedApp();
      await request(app).get('/perf').set(bearer('guess')).expect(401, { error: 'bearer token is not valid' });
    });

    it.each([
      ['only read tokens', { readTokens: [READER] }],
      ['only ingest tokens', { ingestTokens: [AGENT] }],
    ])('keeps the API closed to requests without a token when there are %s', async (_case, tokens) => {
      const { app } = testApp(T0_SEC, tokens);
      await request(app).get('/perf').expect(401, { error: 'Authorization: Bearer <token> is required' });
      await postSample(app, 'web-01', { cpuload: '1', memload: '2' }).expect(401);
    });
  });
});
