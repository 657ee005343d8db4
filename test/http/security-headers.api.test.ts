import http from 'node:http';
import net from 'node:net';
import { Express } from 'express';
import helmet from 'helmet';
import request from '../helpers/api-request';
import { HttpError } from '../../src/http/errors';
import { securityHeaders } from '../../src/http/security-headers';
import { T0_SEC, postSample, testApp } from '../helpers/test-app';

/** helmet's defaults but upgrade-insecure-requests (it breaks the dashboard over plain HTTP), on every response. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' https: 'unsafe-inline'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

describe('security headers', () => {
  it.each([
    ['a 200', (app: Express) => request(app).get('/healthz').expect(200)],
    ['an empty 201', (app: Express) => postSample(app, 'web-01', { cpuload: '1', memload: '2' }).expect(201)],
    ['a 400', (app: Express) => request(app).get('/perf/web-01/last_week').expect(400)],
    ['a 404', (app: Express) => request(app).get('/nothing').expect(404)],
    [
      'a 413',
      (app: Express) =>
        request(app)
          .post('/perf/web-01')
          .type('form')
          .send(`x=${'a'.repeat(20_000)}`)
          .expect(413),
    ],
  ])('are on %s, and X-Powered-By is not', async (_case, send) => {
    const res = await send(testApp().app);
    expect(res.headers).toMatchObject(SECURITY_HEADERS);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('are on a 401', async () => {
    const res = await request(testApp(T0_SEC, { authTokens: ['t0ken'] }).app)
      .get('/perf')
      .expect(401);
    expect(res.headers).toMatchObject(SECURITY_HEADERS);
  });
});

describe('securityHeaders()', () => {
  function headersSetBy(middleware: (req: never, res: never, next: () => void) => void): http.OutgoingHttpHeaders {
    const res = new http.ServerResponse(new http.IncomingMessage(new net.Socket()));
    let nextCalls = 0;
    middleware(res as never, res as never, () => nextCalls++);
    expect(nextCalls).toBe(1);
    return res.getHeaders();
  }

  it('sets exactly the headers helmet() sets, but for upgrade-insecure-requests', () => {
    const helmetDefaults = headersSetBy(helmet());
    const policy = String(helmetDefaults['content-security-policy']);
    expect(policy.endsWith(';upgrade-insecure-requests')).toBe(true);
    expect(headersSetBy(securityHeaders())).toEqual({
      ...helmetDefaults,
      'content-security-policy': policy.slice(0, -';upgrade-insecure-requests'.length),
    });
    expect(headersSetBy(securityHeaders())).toEqual(SECURITY_HEADERS);
  });
});

describe('when the error middleware itself fails', () => {
  it('answers a plain 500 JSON without a stack trace or a source path', async () => {
    const { app, store } = testApp();
    // A header value node refuses to send makes the error middleware throw in turn.
    store.visitHosts = () => {
      throw new HttpError(400, 'bad', { 'X-Broken': 'line\nbreak' });
    };
    const res = await request(app).get('/perf').expect(500, { error: 'internal error' });
    expect(res.text).not.toMatch(/\bat |\/src\/|node_modules|\.ts:/);
  });
});
