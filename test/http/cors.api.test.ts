import request from '../helpers/api-request';
import { T0_SEC, postSample, testApp } from '../helpers/test-app';

const GRAFANA = 'https://grafana.example.com';
const OTHER = 'https://evil.example';
const READER = 'reader-token';
const FULL = 'full-token';

function corsApp(corsOrigins: string[]): ReturnType<typeof testApp> {
  return testApp(T0_SEC, { corsOrigins, authTokens: [FULL], readTokens: [READER] });
}

function corsHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith('access-control-')));
}

/** What a browser sends before a GET with an Authorization header from another origin. */
function preflight(
  app: ReturnType<typeof testApp>['app'],
  origin: string,
  path = '/perf',
): ReturnType<ReturnType<typeof request>['options']> {
  return request(app)
    .options(path)
    .set('Origin', origin)
    .set('Access-Control-Request-Method', 'GET')
    .set('Access-Control-Request-Headers', 'authorization');
}

const PREFLIGHT_POLICY = {
  'access-control-allow-methods': 'GET,HEAD,POST,DELETE',
  'access-control-allow-headers': 'Authorization,Content-Type,Content-Encoding',
  'access-control-expose-headers': 'WWW-Authenticate,Retry-After,X-Total-Count,Link',
  'access-control-max-age': '600',
};

describe('CORS', () => {
  describe('when SERVERTRACK_CORS_ORIGINS is unset', () => {
    it('sends no CORS header, even to a request with an Origin', async () => {
      const { app } = testApp(T0_SEC);
      const res = await request(app).get('/perf').set('Origin', GRAFANA).expect(200);
      expect(corsHeaders(res.headers)).toEqual({});
    });

    it('answers a preflight like any OPTIONS, without allowing the origin', async () => {
      const { app } = testApp(T0_SEC);
      const res = await preflight(app, GRAFANA).expect(204);
      expect(res.headers.allow).toBe('GET, HEAD, POST, OPTIONS');
      expect(corsHeaders(res.headers)).toEqual({});
    });
  });

  describe('with a list of origins', () => {
    it('answers the preflight of a listed origin with 204 before auth, without credentials', async () => {
      const { app } = corsApp([GRAFANA, 'http://10.0.0.5:3000']);
      const res = await preflight(app, GRAFANA).expect(204);
      expect(corsHeaders(res.headers)).toEqual({ 'access-control-allow-origin': GRAFANA, ...PREFLIGHT_POLICY });
      expect(res.headers.vary).toBe('Origin');
    });

    it('answers the preflight of another origin without allowing it', async () => {
      const { app } = corsApp([GRAFANA]);
      const res = await preflight(app, OTHER).expect(204);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    });

    it('lets a listed origin read a report, and says the answer depends on the Origin', async () => {
      const { app } = corsApp([GRAFANA]);
      await postSample(app, 'web-01', { cpuload: '1', memload: '2' }).set('Authorization', `Bearer ${FULL}`).expect(201);
      const res = await request(app).get('/perf').set('Origin', GRAFANA).set('Authorization', `Bearer ${READER}`).expect(200);
      expect(res.body).toEqual([{ host: 'web-01', last_seen: '2026-11-27T14:05:30Z', cpuload: 1, memload: 2, status: 'live' }]);
      expect(corsHeaders(res.headers)).toEqual({
        'access-control-allow-origin': GRAFANA,
        'access-control-expose-headers': 'WWW-Authenticate,Retry-After,X-Total-Count,Link',
      });
      expect(res.headers.vary).toBe('Origin, Accept-Encoding'); // the answer may be gzipped too
    });

    it('lets a listed origin read why it was refused', async () => {
      const { app } = corsApp([GRAFANA]);
      const res = await request(app).get('/perf').set('Origin', GRAFANA).expect(401);
      expect(res.body).toEqual({ error: 'Authorization: Bearer <token> is required' });
      expect(res.headers['access-control-allow-origin']).toBe(GRAFANA);
    });

    it('does not allow another origin to read the answer', async () => {
      const { app } = corsApp([GRAFANA]);
      const res = await request(app).get('/perf').set('Origin', OTHER).set('Authorization', `Bearer ${READER}`).expect(200);
      // Without Access-Control-Allow-Origin the browser keeps the body from the page.
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers.vary).toBe('Origin, Accept-Encoding'); // the answer may be gzipped too
    });

    it('still checks the token of a listed origin', async () => {
      const { app } = corsApp([GRAFANA]);
      await request(app).delete('/perf/web-01').set('Origin', GRAFANA).set('Authorization', `Bearer ${READER}`).expect(403);
    });
  });

  describe('with *', () => {
    it('allows any origin, never with credentials', async () => {
      const { app } = corsApp(['*']);
      const pre = await preflight(app, OTHER, '/perf/web-01/last_minute').expect(204);
      expect(corsHeaders(pre.headers)).toEqual({ 'access-control-allow-origin': '*', ...PREFLIGHT_POLICY });
      const res = await request(app).get('/perf').set('Origin', OTHER).set('Authorization', `Bearer ${READER}`).expect(200);
      expect(corsHeaders(res.headers)).toEqual({
        'access-control-allow-origin': '*',
        'access-control-expose-headers': 'WWW-Authenticate,Retry-After,X-Total-Count,Link',
      });
    });
  });
});
