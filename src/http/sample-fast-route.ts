/*
 * POST /perf/:host, the request every agent sends every few seconds, answered by one
 * app-level layer placed right after the layers every request needs (security headers, the
 * metrics timer, CORS and auth when configured). Through the router it would first pass the
 * /healthz, /metrics and /openapi.json routes, then the /perf router with its own dispatch,
 * its /perf route and the path regexp and param decoding of /perf/:host, then the route's
 * own dispatch: work repeated for every sample, none of which changes its answer.
 *
 * Only the plain form of the path is taken here: /perf/<host> or /perf/<host>/, the host
 * made of the characters a host name may have, no query string. Anything else (/PERF/...,
 * %-escapes, a query, another method) goes on to the router, whose /perf/:host route runs
 * the same body parser and the same handler, so no answer depends on the way a request took.
 */
import { NextFunction, Request, RequestHandler, Response } from 'express';
import { SLASH, isHostCharacter } from '../ingest/char-codes';

const SAMPLE_PATH_PREFIX = '/perf/';

/** The host of a plain `/perf/<host>` or `/perf/<host>/` URL; undefined for any other URL. */
export function plainSampleHost(url: string): string | undefined {
  if (!url.startsWith(SAMPLE_PATH_PREFIX)) return undefined;
  const end = url.charCodeAt(url.length - 1) === SLASH ? url.length - 1 : url.length;
  // "/perf/" itself is the bulk route, /perf, with a trailing slash.
  if (end <= SAMPLE_PATH_PREFIX.length) return undefined;
  for (let i = SAMPLE_PATH_PREFIX.length; i < end; i++) {
    const code = url.charCodeAt(i);
    if (!isHostCharacter(code)) return undefined;
  }
  return url.slice(SAMPLE_PATH_PREFIX.length, end);
}

export interface SampleRouteParts {
  /** The router's /perf/:host route: set as req.route, as the router would, so metrics label it the same. */
  route: unknown;
  parseBody: RequestHandler;
  /** The route's handler, given the host the router would have put in req.params.host. */
  record: (req: Request, res: Response, next: NextFunction, rawHost: string) => void;
}

export function fastSampleRoute({ route, parseBody, record }: SampleRouteParts): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    const host = req.method === 'POST' ? plainSampleHost(req.url) : undefined;
    if (host === undefined) {
      next();
      return;
    }
    req.route = route;
    parseBody(req, res, (err?: unknown) => {
      if (err !== undefined && err !== null) {
        next(err);
        return;
      }
      // The router catches what a handler throws; called from the parser's callback, this must.
      try {
        record(req, res, next, host);
      } catch (thrown) {
        next(thrown);
      }
    });
  };
}
