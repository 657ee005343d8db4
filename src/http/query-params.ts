/*
 * Each API route declares the query parameters it reads; any other answers 400 naming it,
 * so `GET /perf?since=...` or `?format=csv` is never silently ignored and a client never
 * believes a filter worked. A request without a query string (every sample an agent posts)
 * pays one indexOf on the URL: req.query is a getter that parses on each read (Express 5).
 */
import { NextFunction, Request, RequestHandler, Response } from 'express';
import { HttpError } from './errors';
import { showValue } from './show-value';

/** Middleware refusing any query parameter but `allowed`; put it before the body parsers. */
export function allowQuery(...allowed: string[]): RequestHandler {
  const readable = allowed.length === 0 ? 'this route takes none' : `allowed: ${allowed.join(', ')}`;
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (req.url.indexOf('?') === -1) return next();
    for (const name of Object.keys(req.query)) {
      if (!allowed.includes(name)) return next(new HttpError(400, `unknown query parameter ${showValue(name)}; ${readable}`));
    }
    next();
  };
}
