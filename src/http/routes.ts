/*
 * The /perf handlers: parse everything, then call the store, then map names to the wire.
 * Each request reads the clock once, at the top, and hands that time down.
 */
import bodyParser from 'body-parser';
import express, { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { RESOLUTIONS } from '../store/modes';
import { RecordOutcome, Store, isPromise } from '../store/store';
import { Clock } from '../store/time';
import { BulkLimits, DEFAULT_BULK_LIMITS, bulkIngest } from './bulk';
import { HttpError, methodNotAllowed } from './errors';
import { HostLimitListener, hostLimitReached } from './host-cap';
import { hasBody, whenDone } from './handler-kit';
import { allowQuery, queryCheck } from './query-params';
import { parseHost } from '../ingest/host';
import { isFields, parseSample } from '../ingest/sample';
import { fastSampleRoute } from './sample-fast-route';
import { FORM_TYPE, leanFormBody } from './form-body';
import { parseFill, parseMode } from './validate';
import { toWireIntervals } from './wire';
import { fleetReport } from './fleet-route';
import { toWireHost } from './fleet-wire';
import { listHosts } from './host-listing';
import { hostStatus } from '../fleet/status';

export const SAMPLE_BODY_LIMIT_BYTES = 16 * 1024;

const JSON_TYPE = 'application/json';
const SAMPLE_TYPES = [FORM_TYPE, JSON_TYPE];

interface RouteDeps {
  store: Store;
  clock: Clock;
  /** A host whose newest sample is older is listed as stale (fleet/status.ts). */
  staleAfterSec: number;
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
 * A sample body, form or JSON: one Content-Type check picks the one parser that reads it.
 * Chained, the form parser would check the type, then the JSON parser would check it again
 * (or, after a form, look whether the body was read). Any other type leaves req.body unset,
 * which sampleFields answers with 415.
 */
function sampleBodyParser(): RequestHandler {
  // Each parser is told its type matches: the check below has made it already.
  const typeChecked = (): boolean => true;
  const parseForm = leanFormBody(
    SAMPLE_BODY_LIMIT_BYTES,
    bodyParser.urlencoded({ extended: false, limit: SAMPLE_BODY_LIMIT_BYTES, type: typeChecked }),
  );
  const parseJson = bodyParser.json({ limit: SAMPLE_BODY_LIMIT_BYTES, type: typeChecked });
  return (req: Request, res: Response, next: NextFunction): void => {
    // Exactly as agents, curl -d and JSON clients send it, the header needs no parsing.
    const header = req.headers['content-type'];
    const type = header === FORM_TYPE || header === JSON_TYPE ? header : req.is(SAMPLE_TYPES);
    if (type === FORM_TYPE) parseForm(req, res, next);
    else if (type === JSON_TYPE) parseJson(req, res, next);
    else next();
  };
}

/**
 * The query parameters each /perf route reads (query-params.ts); any other is a 400. Checks
 * run first in their handler (middleware for bulk), before anything reaches the store.
 */
const QUERY = {
  recordSamples: allowQuery(),
  recordSample: queryCheck(),
  hostSummary: queryCheck(),
  forgetHost: queryCheck(),
  report: queryCheck('fill'),
};

type SampleRecorder = (req: Request, res: Response, next: NextFunction, rawHost: unknown) => void;

/** POST /perf/:host once its body is parsed; rawHost is the :host of the path. */
function sampleRecorder({ store, clock, onHostLimit }: RouteDeps): SampleRecorder {
  // Built once and handed the request's values, so a sample allocates no closure for them.
  const answer = (outcome: RecordOutcome, res: Response, next: NextFunction, nowSec: number): void => {
    if (outcome === 'full') {
      onHostLimit?.(nowSec);
      return next(hostLimitReached(store.maxHosts));
    }
    res.status(201).end();
  };
  return (req, res, next, rawHost) => {
    QUERY.recordSample(req);
    const nowSec = clock();
    const host = parseHost(rawHost);
    const sample = parseSample(sampleFields(req), nowSec);
    const outcome = store.record(host, sample, nowSec);
    if (isPromise(outcome)) outcome.then((settled) => answer(settled, res, next, nowSec), next);
    else answer(outcome, res, next, nowSec);
  };
}

export interface PerfRoutes {
  /** Every /perf route. */
  router: Router;
  /** POST /perf/:host for its plain paths, as an app-level layer ahead of every route (sample-fast-route.ts). */
  fastSampleRoute: RequestHandler;
}

export function perfRoutes(deps: RouteDeps): PerfRoutes {
  const { store, clock, bulkLimits = DEFAULT_BULK_LIMITS, onHostLimit } = deps;
  const router = express.Router();
  const parseBody = sampleBodyParser();
  const record = sampleRecorder(deps);

  router
    .route('/perf')
    .get(listHosts(deps))
    .post(QUERY.recordSamples, bulkIngest({ store, clock, limits: bulkLimits, onHostLimit }))
    .all(methodNotAllowed(['GET', 'HEAD', 'POST']));

  const sampleRoute = router.route('/perf/:host');
  sampleRoute
    .get((req: Request, res: Response, next: NextFunction) => {
      QUERY.hostSummary(req);
      const nowSec = clock();
      const host = parseHost(req.params.host);
      whenDone(store.summary(host, nowSec), next, (summary) => {
        if (summary === undefined) return next(unknownHost(host));
        res.json(toWireHost(summary, hostStatus(summary.lastSeenSec, nowSec, deps.staleAfterSec)));
      });
    })
    .post(parseBody, (req: Request, res: Response, next: NextFunction) => record(req, res, next, req.params.host))
    .delete((req: Request, res: Response, next: NextFunction) => {
      QUERY.forgetHost(req);
      const host = parseHost(req.params.host);
      whenDone(store.forget(host, clock()), next, (forgotten) => {
        if (!forgotten) return next(unknownHost(host));
        res.status(204).end();
      });
    })
    .all(methodNotAllowed(['GET', 'POST', 'DELETE']));

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

  router
    .route('/fleet/:mode')
    .get(fleetReport(deps))
    .all(methodNotAllowed(['GET', 'HEAD']));

  return { router, fastSampleRoute: fastSampleRoute({ route: sampleRoute, parseBody, record }) };
}
