import { EventEmitter, once } from 'node:events';
import http from 'node:http';
import { AddressInfo, connect } from 'node:net';
import bodyParser from 'body-parser';
import express, { NextFunction, Request, Response } from 'express';
import fc from 'fast-check';
import request from 'supertest';
import { errorHandler } from '../../src/http/errors';
import { leanFormBody } from '../../src/http/form-body';

const LIMIT_BYTES = 16 * 1024;

/**
 * Two routes that answer with what their parser put in req.body: the lean path, and
 * body-parser alone. `events` tells when a request reaches the lean parser ('arrived') and
 * what error it passed on ('lean-error').
 */
function echoApp(events: EventEmitter) {
  const reference = bodyParser.urlencoded({ extended: false, limit: LIMIT_BYTES });
  const echo = (req: Request, res: Response) => res.json({ body: req.body as unknown });
  const app = express();
  app.post('/reference', reference, echo);
  app.post(
    '/lean',
    (_req: Request, _res: Response, next: NextFunction) => {
      events.emit('arrived');
      next();
    },
    leanFormBody(LIMIT_BYTES, reference),
    (err: unknown, _req: Request, _res: Response, next: NextFunction) => {
      events.emit('lean-error', err);
      next(err);
    },
    echo,
  );
  app.use(errorHandler(() => undefined));
  return app;
}

async function bothAnswers(server: http.Server, body: string, type = 'application/x-www-form-urlencoded') {
  const send = (path: string) => request(server).post(path).set('Content-Type', type).send(body);
  const [lean, reference] = await Promise.all([send('/lean'), send('/reference')]);
  return {
    lean: { status: lean.status, body: lean.body as unknown },
    reference: { status: reference.status, body: reference.body as unknown },
  };
}

describe('leanFormBody', () => {
  const events = new EventEmitter();
  let server: http.Server;

  beforeAll(async () => {
    server = http.createServer(echoApp(events));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([
    ['cpuload=12.5&memload=40.1', { cpuload: '12.5', memload: '40.1' }],
    ['cpuload=12.5&memload=40.1&time=2026-12-03T18:00:00Z', { cpuload: '12.5', memload: '40.1', time: '2026-12-03T18:00:00Z' }],
    ['cpuload=&memload=1', { cpuload: '', memload: '1' }],
    ['cpuload=1&cpuload=2', { cpuload: ['1', '2'] }],
    ['cpu%6Coad=1+2&memload=%ZZ', { cpuload: '1 2', memload: '%ZZ' }],
    ['a[b]=1&&c', { 'a[b]': '1', c: '' }],
    ['\uFEFFcpuload=1', { cpuload: '1' }],
    ['\uFEFF\uFEFF', { '\uFEFF': '' }],
    ['memload=\u00e9', { memload: '\u00e9' }],
  ])('reads %j as body-parser does: %j', async (body, fields) => {
    const answers = await bothAnswers(server, body);
    expect(answers.lean).toEqual({ status: 200, body: { body: fields } });
    expect(answers.reference).toEqual(answers.lean);
  });

  it('answers a body of more than 1,000 fields with the same 413 as body-parser', async () => {
    const body = Array.from({ length: 1001 }, (_, i) => `f${String.fromCharCode(97 + (i % 26))}=${i}`).join('&');
    const answers = await bothAnswers(server, body);
    expect(answers.lean).toEqual({ status: 413, body: { error: 'request body has too many form fields' } });
    expect(answers.reference).toEqual(answers.lean);
  });

  it('leaves a body with a charset parameter to body-parser, which refuses one that is not utf-8', async () => {
    const answers = await bothAnswers(server, 'cpuload=1', 'application/x-www-form-urlencoded; charset=koi8-r');
    expect(answers.lean).toEqual({ status: 415, body: { error: 'charset "koi8-r" is not supported; use utf-8' } });
    expect(answers.reference).toEqual(answers.lean);
  });

  it('leaves a body over the limit to body-parser, which answers 413', async () => {
    const answers = await bothAnswers(server, `cpuload=${'1'.repeat(LIMIT_BYTES)}`);
    expect(answers.lean).toEqual({ status: 413, body: { error: 'request body exceeds the 16 KiB limit' } });
    expect(answers.reference).toEqual(answers.lean);
  });

  it('reads every body as body-parser does (random bodies of plain and special characters)', async () => {
    const pieces = [
      'cpuload',
      'memload',
      'time',
      '=',
      '&',
      '%',
      '2',
      'F',
      'e9',
      '+',
      '[',
      ']',
      '.',
      '1',
      '-',
      ':',
      '_',
      ' ',
      '\uFEFF',
      '\u00e9',
      '__proto__',
      'constructor',
    ];
    const bodies = fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 24 }).map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const answers = await bothAnswers(server, body);
        expect(answers.lean).toEqual(answers.reference);
      }),
      { numRuns: 300 },
    );
    // 600 requests: generous for a machine busy with other suites.
  }, 60_000);

  it('passes one 400 to the error handler when the client goes away in the middle of the body', async () => {
    const { port } = server.address() as AddressInfo;
    const leanErrors: unknown[] = [];
    const collect = (err: unknown) => leanErrors.push(err);
    events.on('lean-error', collect);
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const arrived = once(events, 'arrived');
    socket.write(
      'POST /lean HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 40\r\n\r\ncpuload=1',
    );
    await arrived;
    const failed = once(events, 'lean-error');
    socket.destroy();
    await failed;
    // A second error (the 'close' after 'error') would arrive within the same turn of the loop.
    await new Promise((resolve) => setImmediate(resolve));
    events.off('lean-error', collect);
    expect(leanErrors).toHaveLength(1);
    expect(leanErrors[0]).toMatchObject({ status: 400, message: 'request body was aborted before it was complete' });
  });
});
