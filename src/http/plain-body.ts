/*
 * A body read by hand, for the routes where body-parser's path (type and charset parsing,
 * raw-body's stream plumbing, iconv, an async resource) is a measurable share of the work:
 * the sample POST's form (form-body.ts) and collectd's JSON (collectd.ts). Only a body with
 * a bare Content-Type, a Content-Length and no Content-Encoding or Transfer-Encoding is read
 * here; every other one goes to body-parser, so each error a client can cause is still
 * raised, and worded, in one place.
 */
import { Request } from 'express';
import { HttpError } from './errors';

/** The Content-Length of a request whose Content-Type is exactly `type` and whose body is sent as is; NaN otherwise. */
export function plainLength(req: Request, type: string): number {
  const { headers } = req;
  // A charset parameter is body-parser's to check, and to refuse when it is not utf-8.
  if (headers['content-type'] !== type) return NaN;
  if (headers['content-encoding'] !== undefined || headers['transfer-encoding'] !== undefined) return NaN;
  const length = headers['content-length'];
  return length === undefined ? NaN : Number(length);
}

function aborted(): HttpError {
  return new HttpError(400, 'request body was aborted before it was complete');
}

/** Reads the whole body with one 'data' and one 'end' listener; `done` is called once, with the bytes or an error. */
export function readPlainBody(req: Request, done: (err: HttpError | undefined, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let settled = false;
  const settle = (err: HttpError | undefined, body: Buffer): void => {
    if (settled) return;
    settled = true;
    done(err, body);
  };
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  // Node's parser delivers exactly Content-Length bytes before 'end', or the request aborts.
  req.on('end', () => settle(undefined, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
  req.on('error', () => settle(aborted(), Buffer.alloc(0)));
  req.on('close', () => {
    if (!req.complete) settle(aborted(), Buffer.alloc(0));
  });
}
