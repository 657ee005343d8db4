/*
 * Each API route declares the query parameters it reads; any other answers 400 naming it,
 * so `GET /perf?since=...` or `?format=csv` is never silently ignored and a client never
 * believes a filter worked. A request without a query string (every sample an agent posts)
 * pays one indexOf on the URL: req.query is a getter that parses on each read (Express 5).
 */
import { NextFunction, Request, RequestHandler, Response } from 'express';
import { HttpError } from './errors';
import { showValue } from '../ingest/show-value';

/** Throws a 400 naming the first query parameter of `req` that is not in `allowed`. */
type QueryCheck = (req: Request) => void;

export function queryCheck(...allowed: string[]): QueryCheck {
  const readable = allowed.length === 0 ? 'this route takes none' : `allowed: ${allowed.join(', ')}`;
  return (req) => {
    if (req.url.indexOf('?') === -1) return;
    for (const name of Object.keys(req.query)) {
      if (!allowed.includes(name)) throw new HttpError(400, `unknown query parameter ${showValue(name)}; ${readable}`);
    }
  };
}

/**
 * The same check as a middleware, for routes off the hot path (/healthz, /metrics, bulk).
 * Hot handlers call their QueryCheck first thing instead: one router layer fewer per request.
 */
export function allowQuery(...allowed: string[]): RequestHandler {
  const check = queryCheck(...allowed);
  return (req: Request, _res: Response, next: NextFunction): void => {
    check(req);
    next();
  };
}
