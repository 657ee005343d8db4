/*
 * Random requests at the whole app over a real socket (random methods, paths, headers,
 * content types, encodings and bodies: forms, JSON, NDJSON, raw bytes), and random bytes
 * at the HTTP parser itself. The answer is always a 2xx, or a 4xx with a JSON {error}
 * body; never a 5xx, a redirect, a dropped connection or a crash; and a rejected request
 * leaves the store exactly as it was. Fixed seed, bounded runs.
 */
import http from 'node:http';
import net from 'node:net';
import { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { createApp } from '../../src/app';
import { clientErrorHandler } from '../../src/http/client-errors';
import { serverTimeoutOptions } from '../../src/http/server-timeouts';
import { createHttpServer } from '../../src/http/http-server';
import { HostStore } from '../../src/store/host-store';
import { MODES } from '../../src/store/modes';
import { fakeClock } from '../helpers/fake-clock';
import { T0_SEC } from '../helpers/test-app';

const SEED = 20261127;
// A few seconds alone; much more when the whole suite shares the two cores.
jest.setTimeout(120_000);
const TOKEN = 'fuzz-token-1';
const TIMEOUTS = { headersTimeoutSec: 2, requestTimeoutSec: 4, keepAliveTimeoutSec: 5 };
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
const HOST_LIMIT = /^(host limit reached: 3 hosts are tracked|this request would track more than 3 hosts) \(SERVERTRACK_MAX_HOSTS\)/;

interface Target {
  server: http.Server;
  store: HostStore;
  port: number;
}

async function listen(options: { authTokens?: string[]; maxHosts?: number }): Promise<Target> {
  const clock = fakeClock(T0_SEC);
  const store = new HostStore({ maxHosts: options.maxHosts });
  const app = createApp({ store, clock, authTokens: options.authTokens });
  const server = createHttpServer(app, serverTimeoutOptions(TIMEOUTS));
  server.on('clientError', clientErrorHandler(TIMEOUTS));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, store, port: (server.address() as AddressInfo).port };
}

/** Everything the store holds, as one comparable string. */
function stateOf(store: HostStore): string {
  return JSON.stringify(store.hosts(T0_SEC).map(({ host }) => [host, MODES.map((mode) => store.report(host, mode, T0_SEC))]));
}

// ---- what a request is made of

/** A value as a form field carries it; objects from fc.jsonValue() may have no prototype. */
function asText(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

function encodeSegment(raw: string): string {
  try {
    return encodeURIComponent(raw);
  } catch {
    return '%ED%A0%80'; // a lone surrogate, as a client could still send it
  }
}

const printable = (maxLength: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...PRINTABLE), maxLength });
const hostName = fc.oneof(fc.constantFrom('web-01', 'db-1', 'WEB-01'), fc.string({ unit: 'grapheme-ascii', maxLength: 12 }));
const loadValue = fc.oneof(
  fc.integer({ min: -5, max: 105 }),
  fc.double(),
  fc.constantFrom('12.5', '1e1', '', 'NaN', '0x10', ' 5'),
  fc.jsonValue(),
);
const timeValue = fc.oneof(fc.constant(T0_SEC - 30), fc.constantFrom('2026-11-27T14:05:00Z', '0099-01-01T00:00:00Z', 'now'), fc.double());
const sampleObject = fc.record({ host: hostName, cpuload: loadValue, memload: loadValue, time: timeValue }, { requiredKeys: [] });

const segment = fc.oneof(
  fc.constantFrom(
    'perf',
    'PERF',
    'healthz',
    'metrics',
    'openapi.json',
    'js',
    'vendor',
    'index.html',
    'last_minute',
    'last_hour',
    'last_day',
  ),
  fc.constantFrom('web-01', 'db-1', 'a..b', '.', '..', '%', '%zz', '%2F', '%00', '%C0%AF', ''),
  fc.string({ unit: 'grapheme-ascii', maxLength: 10 }).map(encodeSegment),
  fc.string({ unit: 'binary', maxLength: 6 }).map(encodeSegment),
);
const apiPath = fc
  .tuple(fc.constantFrom('perf', 'perf', 'PERF', 'metrics', 'healthz'), fc.array(segment, { maxLength: 3 }))
  .map(([first, rest]) => [first, ...rest]);
const path = fc
  .tuple(
    fc.oneof(apiPath, fc.array(segment, { maxLength: 4 })),
    fc.boolean(),
    fc.oneof(
      fc.constant(''),
      fc.constantFrom('?fill=true', '?fill=1', '?fill=maybe', '?fill=true&fill=false'),
      printable(12).map((q) => `?${encodeSegment(q)}`),
    ),
  )
  .map(([segments, trailingSlash, query]) => `/${segments.join('/')}${trailingSlash ? '/' : ''}${query}`);

const contentType = fc.oneof(
  fc.constantFrom(
    'application/x-www-form-urlencoded',
    'application/json',
    'application/x-ndjson',
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'application/x-www-form-urlencoded; charset=utf-16',
    'text/plain',
    'multipart/form-data; boundary=x',
    'application/*',
  ),
  printable(20),
);

const body = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  fc
    .dictionary(fc.constantFrom('cpuload', 'memload', 'time', 'host', 'x'), fc.oneof(loadValue, timeValue).map(asText), { maxKeys: 4 })
    .map((fields) => Buffer.from(new URLSearchParams(fields).toString())),
  fc
    .oneof(sampleObject, fc.array(sampleObject, { maxLength: 4 }), fc.jsonValue())
    .map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
  fc
    .array(
      fc.oneof(
        sampleObject.map((entry) => JSON.stringify(entry)),
        printable(20),
      ),
      { maxLength: 4 },
    )
    .map((lines) => Buffer.from(lines.join('\n'))),
  fc.constantFrom(
    Buffer.alloc(17 * 1024, 'a'),
    Buffer.from('cpuload=1&memload=2&cpuload=3'),
    Buffer.from('{"cpuload":1,"memload":2,"__proto__":{"x":1}}'),
  ),
);

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** Requests close to valid ones (so some are accepted and the state moves), each maybe spoiled a little. */
function plausibleRequest(authorization: fc.Arbitrary<string | undefined>): fc.Arbitrary<FuzzRequest> {
  const knownHost = fc.constantFrom('web-01', 'web-02', 'db-1', 'cache-1', 'Web-02');
  const load = fc.oneof(fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 100, noNaN: true }), loadValue);
  const sample = fc.record({ cpuload: load, memload: load, time: timeValue }, { requiredKeys: ['cpuload', 'memload'] });
  const entry = fc.tuple(knownHost, sample).map(([host, fields]) => ({ host, ...fields }));
  const form = (fields: Record<string, unknown>): Buffer =>
    Buffer.from(new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, asText(v)])).toString());
  const shapes = fc.oneof(
    fc
      .tuple(knownHost, sample)
      .map(([host, fields]) => ({ method: 'POST', path: `/perf/${host}`, type: 'application/x-www-form-urlencoded', body: form(fields) })),
    fc.tuple(knownHost, sample).map(([host, fields]) => ({
      method: 'POST',
      path: `/perf/${host}/`,
      type: 'application/json',
      body: Buffer.from(JSON.stringify(fields)),
    })),
    fc
      .array(entry, { maxLength: 5 })
      .map((entries) => ({ method: 'POST', path: '/perf', type: 'application/json', body: Buffer.from(JSON.stringify(entries)) })),
    fc.array(entry, { maxLength: 5 }).map((entries) => ({
      method: 'POST',
      path: '/perf/',
      type: 'application/x-ndjson',
      body: Buffer.from(entries.map((e) => JSON.stringify(e)).join('\n')),
    })),
    knownHost.map((host) => ({ method: 'DELETE', path: `/perf/${host}`, type: undefined, body: undefined })),
    fc
      .tuple(knownHost, fc.constantFrom(...MODES))
      .map(([host, mode]) => ({ method: 'GET', path: `/perf/${host}/${mode}?fill=true`, type: undefined, body: undefined })),
  );
  return fc.record({ shape: shapes, authorization }).map(({ shape, authorization }) => {
    const headers: Record<string, string> = {};
    if (shape.type !== undefined) headers['Content-Type'] = shape.type;
    if (shape.body !== undefined) headers['Content-Length'] = String(shape.body.length);
    if (authorization !== undefined) headers.Authorization = authorization;
    return { method: shape.method, path: shape.path, headers, body: shape.body };
  });
}

function requestArbitrary(authorization: fc.Arbitrary<string | undefined>): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(randomRequest(authorization), plausibleRequest(authorization));
}

function randomRequest(authorization: fc.Arbitrary<string | undefined>): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      method: fc.constantFrom('GET', 'HEAD', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND', 'SEARCH'),
      path,
      contentType: fc.option(contentType, { nil: undefined }),
      contentEncoding: fc.option(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-garbage'), { nil: undefined, freq: 6 }),
      authorization,
      accept: fc.option(printable(20), { nil: undefined }),
      body: fc.option(body, { nil: undefined, freq: 4 }),
    })
    .map(({ method, path, contentType, contentEncoding, authorization, accept, body }) => {
      const headers: Record<string, string> = {};
      if (contentType !== undefined) headers['Content-Type'] = contentType;
      if (contentEncoding !== undefined) headers['Content-Encoding'] = contentEncoding;
      if (authorization !== undefined) headers.Authorization = authorization;
      if (accept !== undefined) headers.Accept = accept;
      // node's client sends a GET or HEAD body unframed otherwise, which is a second, garbage request.
      if (body !== undefined) headers['Content-Length'] = String(body.length);
      return { method, path, headers, body };
    });
}

interface Answer {
  status: number;
  contentType: string | undefined;
  text: string;
}

function send(port: number, agent: http.Agent, req: FuzzRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request({ host: '127.0.0.1', port, agent, method: req.method, path: req.path, headers: req.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], text: Buffer.concat(chunks).toString() }),
      );
      res.on('error', reject);
    });
    outgoing.on('error', (err) => reject(new Error(`${req.method} ${req.path}: no answer (${err.message})`)));
    outgoing.end(req.body);
  });
}

/** A 4xx (or an allowed 503) must be JSON {error: string}, with nothing internal in it. */
function expectJsonError(req: FuzzRequest, answer: Answer): string | undefined {
  if (req.method === 'HEAD') return undefined;
  expect(answer.contentType).toBe('application/json; charset=utf-8');
  const parsed = JSON.parse(answer.text) as { error?: unknown };
  expect(typeof parsed.error).toBe('string');
  expect(answer.text).not.toMatch(/\bat |node_modules|\/src\/|\.ts:\d/);
  return parsed.error as string;
}

describe('the app under random requests', () => {
  let agent: http.Agent;

  beforeAll(() => {
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  });

  afterAll(() => agent.destroy());

  it('answers 2xx, or 4xx JSON that changed nothing', async () => {
    const target = await listen({});
    try {
      await fc.assert(
        fc.asyncProperty(requestArbitrary(fc.constant(undefined)), async (req) => {
          const before = stateOf(target.store);
          const answer = await send(target.port, agent, req);
          const ok = answer.status >= 200 && answer.status < 300;
          expect({ req, status: answer.status, ok: ok || (answer.status >= 400 && answer.status < 500) }).toEqual({
            req,
            status: answer.status,
            ok: true,
          });
          if (!ok) {
            expectJsonError(req, answer);
            expect(stateOf(target.store)).toBe(before);
          }
        }),
        { seed: SEED, numRuns: 600 },
      );
      expect(target.store.size).toBeGreaterThan(0); // some requests were accepted, so the property was not vacuous
    } finally {
      target.server.close();
    }
  });

  it('with a token and a full store: nothing changes without the token, and 503 only names the host limit', async () => {
    const target = await listen({ authTokens: [TOKEN], maxHosts: 3 });
    const authorization = fc.option(
      fc.oneof(fc.constant(`Bearer ${TOKEN}`), fc.constantFrom('Bearer', `bearer ${TOKEN}x`, 'Basic eDp5'), printable(30)),
      {
        nil: undefined,
      },
    );
    try {
      await fc.assert(
        fc.asyncProperty(requestArbitrary(authorization), async (req) => {
          const before = stateOf(target.store);
          const answer = await send(target.port, agent, req);
          const ok = answer.status >= 200 && answer.status < 300;
          const allowed = ok || (answer.status >= 400 && answer.status < 500) || answer.status === 503;
          expect({ req, status: answer.status, allowed }).toEqual({ req, status: answer.status, allowed: true });
          if (!ok) {
            const error = expectJsonError(req, answer);
            if (answer.status === 503 && error !== undefined) expect(error).toMatch(HOST_LIMIT);
            expect(stateOf(target.store)).toBe(before);
          }
          const authorized = /^bearer +fuzz-token-1$/i.test(req.headers.Authorization ?? '');
          if (!authorized) expect(stateOf(target.store)).toBe(before);
        }),
        { seed: SEED, numRuns: 400 },
      );
      expect(target.store.size).toBe(3); // the cap was reached, so 503 was exercised
    } finally {
      target.server.close();
    }
  });
});

describe('the HTTP parser under random bytes', () => {
  const requestLine = fc.constantFrom('', 'GET /healthz HTTP/1.1\r\n', 'POST /perf/web-01 HTTP/1.1\r\nHost: x\r\n', 'GET / HTTP/1.0\r\n');

  it('answers with a 4xx JSON error or a normal answer, or closes, and keeps serving', async () => {
    const target = await listen({});
    try {
      await fc.assert(
        fc.asyncProperty(requestLine, fc.uint8Array({ maxLength: 120 }), async (line, bytes) => {
          const before = stateOf(target.store);
          const received = await new Promise<string>((resolve, reject) => {
            const socket = net.connect(target.port, '127.0.0.1');
            let text = '';
            socket.on('data', (chunk) => (text += chunk.toString('latin1')));
            socket.on('close', () => resolve(text));
            socket.on('error', reject);
            socket.end(Buffer.concat([Buffer.from(line), Buffer.from(bytes)]));
          });
          if (received !== '') {
            const status = Number(/^HTTP\/1\.[01] (\d{3}) /.exec(received)?.[1]);
            expect({ received, statusClass: Math.floor(status / 100) }).toEqual({ received, statusClass: status < 400 ? 2 : 4 });
            if (status >= 400)
              expect(received).toMatch(/\r\nContent-Type: application\/json; charset=utf-8\r\n[\s\S]*\r\n\r\n\{"error":"[^"]+"\}$/);
            if (status >= 400) expect(stateOf(target.store)).toBe(before);
          }
        }),
        { seed: SEED, numRuns: 200 },
      );
      const health = await fetch(`http://127.0.0.1:${target.port}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      target.server.close();
    }
  });
});
