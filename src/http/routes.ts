/*
 * The /perf handlers: parse everything, then call the store, then map names to the wire.
 * Each request reads the clock once, at the top, and hands that time down.
 */
import bodyParser from 'body-parser';
import express, { NextFunction, Request, Response, Router } from 'express';
import { RESOLUTIONS } from '../store/modes';
import { Store } from '../store/store';
import { Clock } from '../store/time';
import { BulkLimits, DEFAULT_BULK_LIMITS, bulkIngest } from './bulk';
import { HttpError, methodNotAllowed } from './errors';
import { HostLimitListener, hostLimitReached } from './host-cap';
import { hasBody, whenDone } from './handler-kit';
import { allowQuery, queryCheck } from './query-params';
import { parseHost } from '../ingest/host';
import { isFields, parseSample } from '../ingest/sample';
import { parseFill, parseMode } from './validate';
import { toWireHosts, toWireIntervals } from './wire';

export const SAMPLE_BODY_LIMIT_BYTES = 16 * 1024;

interface RouteDeps {
  store: Store;
  clock: Clock;
  bulkLimits?: BulkLimits;
  /** Told of every request the host cap refuses (metrics, warning lines). */
  onHostLimit?: HostLimitListener;
}

function unknownHost(host: string): HttpError {
  return new HttpError(404, `host '${host}' is not known`);
}

function sampleFields(req: Request): Record<string, unknown> {
  if (req.body === undefined) {
    if (hasBody(req)) {
      throw new HttpError(415, 'Content-Type must be application/x-www-form-urlencoded or application/json');
    }
    return {};
  }
  if (!isFields(req.body)) throw new HttpError(400, 'request body must be a JSON object with cpuload and memload');
  return req.body;
}

/**
 * The query parameters each /perf route reads (query-params.ts); any other is a 400. Checks
 * run first in their handler (middleware for bulk), before anything reaches the store.
 */
const QUERY = {
  listHosts: queryCheck(),
  recordSamples: allowQuery(),
  recordSample: queryCheck(),
  forgetHost: queryCheck(),
  report: queryCheck('fill'),
};

export function perfRouter({ store, clock, bulkLimits = DEFAULT_BULK_LIMITS, onHostLimit }: RouteDeps): Router {
  const router = express.Router();
  const parseBody = [
    bodyParser.urlencoded({ extended: false, limit: SAMPLE_BODY_LIMIT_BYTES }),
    bodyParser.json({ limit: SAMPLE_BODY_LIMIT_BYTES }),
  ];

  router
    .route('/perf')
    .get((req: Request, res: Response, next: NextFunction) => {
      QUERY.listHosts(req);
      whenDone(store.hosts(clock()), next, (hosts) => res.json(toWireHosts(hosts)));
    })
    .post(QUERY.recordSamples, bulkIngest({ store, clock, limits: bulkLimits, onHostLimit }))
    .all(methodNotAllowed(['GET', 'HEAD', 'POST']));

  router
    .route('/perf/:host')
    .post(parseBody, (req: Request, res: Response, next: NextFunction) => {
      QUERY.recordSample(req);
      const nowSec = clock();
      const host = parseHost(req.params.host);
      const sample = parseSample(sampleFields(req), nowSec);
      whenDone(store.record(host, sample, nowSec), next, (outcome) => {
        if (outcome === 'full') {
          onHostLimit?.(nowSec);
          return next(hostLimitReached(store.maxHosts));
        }
        res.status(201).end();
      });
    })
    .delete((req: Request, res: Response, next: NextFunction) => {
      QUERY.forgetHost(req);
      const host = parseHost(req.params.host);
      whenDone(store.forget(host, clock()), next, (forgotten) => {
        if (!forgotten) return next(unknownHost(host));
        res.status(204).end();
      });
    })
    .all(methodNotAllowed(['POST', 'DELETE']));

  router
    .route('/perf/:host/:mode')
    .get((req: Request, res: Response, next: NextFunction) => {
      QUERY.report(req);
      const nowSec = clock();
      const host = parseHost(req.params.host);
      const mode = parseMode(req.params.mode);
      const fill = parseFill(req.query.fill);
      whenDone(store.report(host, mode, nowSec), next, (intervals) => {
        if (intervals === undefined) return next(unknownHost(host));
        res.json(toWireIntervals(intervals, RESOLUTIONS[mode].bucketSeconds, fill));
      });
    })
    .all(methodNotAllowed(['GET', 'HEAD']));

  return router;
}
