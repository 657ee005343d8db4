/*
 * GET /metrics/hosts: every host's loads as Prometheus gauges (metrics/host-exposition.ts),
 * filtered like the host listing, by `match` (globs, repeatable) and `status` (live, stale,
 * all). Under /metrics, so the same tokens guard it (read scope).
 */
import { NextFunction, Request, Response, Router } from 'express';
import express from 'express';
import { hostWindows } from '../fleet/host-windows';
import { parseMatchParam } from '../fleet/match';
import { parseStatusParam, passesStatus } from '../fleet/status';
import { hostExposition } from '../metrics/host-exposition';
import { Store } from '../store/store';
import { Clock } from '../store/time';
import { methodNotAllowed } from './errors';
import { queryCheck } from './query-params';

/** What prom-client answers /metrics with: Prometheus's text format 0.0.4. */
export const PROMETHEUS_TEXT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

interface MetricsHostsDeps {
  store: Store;
  clock: Clock;
  staleAfterSec: number;
}

const QUERY = queryCheck('match', 'status');

export function metricsHostsRouter({ store, clock, staleAfterSec }: MetricsHostsDeps): Router {
  const router = express.Router();
  router
    .route('/metrics/hosts')
    .get((req: Request, res: Response, next: NextFunction) => {
      QUERY(req);
      const nowSec = clock();
      const matches = parseMatchParam(req.query.match);
      const status = parseStatusParam(req.query.status);
      const accept = (host: string, lastSeenSec: number): boolean =>
        passesStatus(status, lastSeenSec, nowSec, staleAfterSec) && matches(host);
      hostWindows(store, 'last_minute', nowSec, accept).then((hosts) => {
        // res.end, not res.send: send would hash the whole body for an ETag (tens of MB for a
        // large fleet) that Prometheus never sends back. Node sets Content-Length, and sends no body to HEAD.
        res.setHeader('Content-Type', PROMETHEUS_TEXT_TYPE);
        res.end(hostExposition(hosts));
      }, next);
    })
    .all(methodNotAllowed(['GET', 'HEAD']));
  return router;
}
