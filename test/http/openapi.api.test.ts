import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { OPENAPI_PATH } from '../../src/http/openapi';
import { routeTemplates } from '../../src/metrics/route-template';
import request from '../helpers/api-request';
import { OpenApiContract, ObservedResponse } from '../helpers/openapi-contract';
import { ROOT_DIR } from '../helpers/server-process';
import { testApp } from '../helpers/test-app';

const documentOnDisk = (): Record<string, unknown> => parse(readFileSync(OPENAPI_PATH, 'utf8')) as Record<string, unknown>;

describe('GET /openapi.json', () => {
  it('serves openapi.yaml as JSON', async () => {
    const res = await request(testApp().app).get('/openapi.json').expect(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual(documentOnDisk());
    expect(res.body.openapi).toBe('3.1.0');
  });

  it('stays open when a token is required', async () => {
    await request(testApp(undefined, { authTokens: ['t0ken'] }).app)
      .get('/openapi.json')
      .expect(200);
  });

  it('answers other methods with 405', async () => {
    const res = await request(testApp().app).post('/openapi.json').expect(405);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
  });
});

describe('openapi.yaml', () => {
  it('is a valid OpenAPI 3.1 document (checked against the official schema)', () => {
    // The validator is an ES module; its CLI keeps it out of jest's CommonJS loader.
    const cli = path.join(ROOT_DIR, 'node_modules/@seriousme/openapi-schema-validator/bin/validate-api-cli.js');
    const report = JSON.parse(execFileSync(process.execPath, [cli, OPENAPI_PATH], { encoding: 'utf8' })) as {
      valid: boolean;
      errors?: unknown;
    };
    expect(report).toEqual({ valid: true });
  });

  it('describes exactly the routes the app serves', () => {
    const { app } = testApp();
    const served = routeTemplates(app.router as Parameters<typeof routeTemplates>[0]);
    const documented = Object.keys(documentOnDisk().paths as object).map((p) => p.replace(/\{([^}]+)\}/g, ':$1'));
    expect([...new Set(served)].sort()).toEqual([...documented].sort());
  });
});

describe('OpenApiContract', () => {
  const contract = new OpenApiContract();
  const json = { 'content-type': 'application/json; charset=utf-8' };
  const response = (overrides: Partial<ObservedResponse>): ObservedResponse => ({
    method: 'GET',
    path: '/healthz',
    status: 200,
    headers: json,
    body: { status: 'ok' },
    text: '{"status":"ok"}',
    ...overrides,
  });

  describe('accepts', () => {
    it.each<[string, Partial<ObservedResponse>, string]>([
      ['a documented response', {}, 'GET /healthz 200'],
      ['a path with a trailing slash', { path: '/perf/', headers: { ...json, 'x-total-count': '0' }, body: [] }, 'GET /perf 200'],
      [
        'an optional header left out, and sent',
        {
          path: '/perf',
          headers: { ...json, 'x-total-count': '3', link: '</perf?limit=1&cursor=WzFd>; rel="next"' },
          body: [{ host: 'a', last_seen: '2026-11-27T14:05:30Z', cpuload: 1, memload: 2, status: 'live' }],
        },
        'GET /perf 200',
      ],
      [
        'a path parameter',
        { method: 'DELETE', path: '/perf/web-01', status: 204, headers: {}, body: {}, text: '' },
        'DELETE /perf/{host} 204',
      ],
      [
        'a 405 with Allow for a method the path does not serve',
        { method: 'PUT', status: 405, headers: { ...json, allow: 'GET, HEAD, OPTIONS' }, body: { error: 'no' } },
        'MethodNotAllowed',
      ],
      ['a 404 for a path no template fits', { path: '/nothing', status: 404, body: { error: 'no route for GET /nothing' } }, 'NotFound'],
      [
        'a bulk 400 with details',
        {
          method: 'POST',
          path: '/perf',
          status: 400,
          body: { error: '1 of 1 samples are invalid', details: [{ index: 0, error: 'host is required' }] },
        },
        'POST /perf 400',
      ],
    ])('%s', (_case, overrides, key) => {
      expect(contract.check(response(overrides))).toBe(key);
    });
  });

  describe('rejects', () => {
    it.each<[string, Partial<ObservedResponse>, string]>([
      [
        'an undocumented status',
        { status: 500, body: { error: 'internal error' } },
        'GET /healthz → 500: status 500 is not documented for GET /healthz',
      ],
      [
        'a body off its schema',
        { body: { status: 'ok', extra: 1 } },
        'body does not match #/paths/~1healthz/get/responses/200/content/application~1json/schema: data must NOT have additional properties',
      ],
      [
        'an error without its message',
        { path: '/perf/web-01/last_hour', status: 404, body: {} },
        "data must have required property 'error'",
      ],
      ['a wrong content type', { headers: { 'content-type': 'text/html' } }, 'Content-Type text/html is not one of application/json'],
      ['a body where none is documented', { method: 'POST', path: '/perf/web-01', status: 201, text: 'created' }, 'no body is documented'],
      [
        'a 401 without its challenge',
        { path: '/perf', status: 401, body: { error: 'Authorization: Bearer <token> is required' } },
        'documented header WWW-Authenticate is missing',
      ],
      [
        'an optional header off its schema',
        { path: '/perf', headers: { ...json, 'x-total-count': '3', link: '<elsewhere>' }, body: [] },
        'header Link does not match',
      ],
      ['a 200 for a path no template fits', { path: '/nothing' }, 'GET /nothing → 200: no documented path fits, so only 404 is expected'],
      [
        'a 200 for a method the path does not serve',
        { method: 'PATCH' },
        'PATCH /healthz → 200: /healthz documents no PATCH, so only 405 is expected',
      ],
    ])('%s', (_case, overrides, message) => {
      expect(() => contract.check(response(overrides))).toThrow(message);
    });
  });
});

describe('API tests', () => {
  it('all check their responses against openapi.yaml (they import api-request, not supertest)', () => {
    const dir = path.join(ROOT_DIR, 'test', 'http');
    const unchecked = readdirSync(dir)
      .filter((file) => file.endsWith('.api.test.ts'))
      // A type-only import (`import { Test } from 'supertest'`) is fine; a default import is not.
      .filter((file) => /^import \w+ from 'supertest'/m.test(readFileSync(path.join(dir, file), 'utf8')));
    expect(unchecked).toEqual([]);
  });
});
