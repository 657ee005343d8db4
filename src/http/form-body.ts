/*
 * The body of a sample POST in the one shape agents send it: a urlencoded form with a bare
 * Content-Type, a Content-Length within the limit and no Content-Encoding. Read here with one 'data' and one
 * 'end' listener and decoded by ingest/form.ts, it costs a fraction of body-parser's path
 * (type and charset parsing, raw-body's stream plumbing, iconv, an async resource), which
 * measured about a tenth of a sample POST's time. Every other body goes to body-parser:
 * compressed, chunked, too large, or with parameters on its Content-Type, so each error a
 * client can cause is still raised, and worded, in one place.
 */
import { NextFunction, Request, RequestHandler, Response } from 'express';
import { parseFormBody } from '../ingest/form';
import { HttpError } from './errors';

export const FORM_TYPE = 'application/x-www-form-urlencoded';

/** The Content-Length of a request that may take the lean path, or NaN. */
function plainLength(req: Request): number {
  const { headers } = req;
  // A charset parameter is body-parser's to check, and to refuse when it is not utf-8.
  if (headers['content-type'] !== FORM_TYPE) return NaN;
  if (headers['content-encoding'] !== undefined || headers['transfer-encoding'] !== undefined) return NaN;
  const length = headers['content-length'];
  return length === undefined ? NaN : Number(length);
}

function aborted(): HttpError {
  return new HttpError(400, 'request body was aborted before it was complete');
}

/**
 * Reads a form body of at most `limitBytes` into req.body, as body-parser's
 * `urlencoded({ extended: false })` would; hands every other request to `fallback`, which
 * must be that parser.
 */
export function leanFormBody(limitBytes: number, fallback: RequestHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    const length = plainLength(req);
    // An empty body is body-parser's too: it leaves req.body unset rather than {}.
    if (!(length > 0 && length <= limitBytes)) {
      fallback(req, res, next);
      return;
    }
    const chunks: Buffer[] = [];
    let settled = false;
    const settle = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      next(err);
    };
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (settled) return;
      // Node's parser delivers exactly Content-Length bytes before 'end', or the request aborts.
      const body = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8');
      try {
        req.body = parseFormBody(body);
      } catch (err) {
        settle(err);
        return;
      }
      settle();
    });
    req.on('error', () => settle(aborted()));
    req.on('close', () => {
      if (!req.complete) settle(aborted());
    });
  };
}
