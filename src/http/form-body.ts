/*
 * The body of a sample POST in the one shape agents send it: a urlencoded form with a bare
 * Content-Type, a Content-Length within the limit and no Content-Encoding. Read here (plain-body.ts) and
 * decoded by ingest/form.ts, it costs a fraction of body-parser's path
 * (type and charset parsing, raw-body's stream plumbing, iconv, an async resource), which
 * measured about a tenth of a sample POST's time. Every other body goes to body-parser:
 * compressed, chunked, too large, or with parameters on its Content-Type, so each error a
 * client can cause is still raised, and worded, in one place.
 */
import { NextFunction, Request, RequestHandler, Response } from 'express';
import { parseFormBody } from '../ingest/form';
import { plainLength, readPlainBody } from './plain-body';

export const FORM_TYPE = 'application/x-www-form-urlencoded';

/**
 * Reads a form body of at most `limitBytes` into req.body, as body-parser's
 * `urlencoded({ extended: false })` would; hands every other request to `fallback`, which
 * must be that parser.
 */
export function leanFormBody(limitBytes: number, fallback: RequestHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    const length = plainLength(req, FORM_TYPE);
    // An empty body is body-parser's too: it leaves req.body unset rather than {}.
    if (!(length > 0 && length <= limitBytes)) {
      fallback(req, res, next);
      return;
    }
    readPlainBody(req, (err, body) => {
      if (err !== undefined) {
        next(err);
        return;
      }
      try {
        req.body = parseFormBody(body.toString('utf8'));
      } catch (parseError) {
        next(parseError);
        return;
      }
      next();
    });
  };
}
