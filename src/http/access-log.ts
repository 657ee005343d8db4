/*
 * One debug line per request once its response has gone out: method, path, status and
 * the time taken. Only installed when the logger is at debug.
 */
import { NextFunction, Request, Response } from 'express';
import { Logger } from '../logger';

const NS_PER_MS = 1e6;

export function accessLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const startedNs = process.hrtime.bigint();
    res.once('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - startedNs) / NS_PER_MS;
      logger.debug({ method: req.method, path: req.path, status: res.statusCode, durationMs }, 'request');
    });
    next();
  };
}
