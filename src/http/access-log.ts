/*
 * One debug line per request once its response has gone out: method, path, status, the
 * time taken, the client's address and, for a 4xx, the error message the client was given,
 * so "why did my agent get a 400?" is answered from the log alone. At trace, also a line as
 * each request starts, before its body is read: what shows a request in flight, e.g. one a
 * stop signal must let finish. Only installed when the logger is at debug, so the default
 * hot path pays nothing for any of this.
 */
import { NextFunction, Request, Response } from 'express';
import { Logger } from '../logger';

const NS_PER_MS = 1e6;
const CLIENT_ERROR_MIN = 400;
const SERVER_ERROR_MIN = 500;

/** The `error` of a JSON error body, whoever sends it: the error middleware, the 404, a 405. */
function errorOf(body: unknown): string | undefined {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  return typeof error === 'string' ? error : undefined;
}

export function accessLog(logger: Logger) {
  const traceStarts = logger.isLevelEnabled('trace');
  return (req: Request, res: Response, next: NextFunction): void => {
    const startedNs = process.hrtime.bigint();
    if (traceStarts) logger.trace({ method: req.method, path: req.path }, 'request started');
    let error: string | undefined;
    // Every 4xx goes out through res.json; listening here catches them all in one place.
    const json = res.json;
    res.json = function jsonAndNote(this: Response, body: unknown) {
      if (this.statusCode >= CLIENT_ERROR_MIN && this.statusCode < SERVER_ERROR_MIN) error = errorOf(body);
      return json.call(this, body);
    };
    res.once('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - startedNs) / NS_PER_MS;
      // req.ip: the socket's peer, or what X-Forwarded-For says if 'trust proxy' is set.
      logger.debug({ method: req.method, path: req.path, status: res.statusCode, durationMs, remoteAddress: req.ip, error }, 'request');
    });
    next();
  };
}
