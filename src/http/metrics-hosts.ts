/*
 * GET /metrics/hosts: every host's loads as Prometheus gauges (metrics/host-exposition.ts),
 * filtered like the host listing, by `match` (globs, repeatable) and `status` (live, stale,
 * all). Under /metrics, so the same tokens guard it (read scope).
 */
import { NextFunction, Request, Response, Router } from 'express';
import express from 'express';
import { parseMatchParam } from '../fleet/match';
import { parseStatusParam, passesStatus } from '../fleet/status';
import { windowLayout } from '../fleet/window-layout';
import { windowTotals } from '../fleet/window-totals';
import { HostGauges, hostExpositionChunks } from '../metrics/host-exposition';
import { HostNewest, RingSlots, Store } from '../store/store';
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

function byHost(a: HostGauges, b: HostGauges): number {
  return a.host < b.host ? -1 : a.host > b.host ? 1 : 0;
}

/**
 * Every host `accept` takes (by name and newest-sample time), with its newest sample and its
 * last minute's means, sorted by host name: one visit of the store, each last-minute ring read
 * in place (fleet/window-totals.ts).
 */
export function hostGauges(store: Store, nowSec: number, accept: (host: string, lastSeenSec: number) => boolean): Promise<HostGauges[]> {
  const layout = windowLayout('last_minute', nowSec);
  const hosts: HostGauges[] = [];
  const visit = (host: string, newest: HostNewest, ring: RingSlots | undefined): void => {
    if (ring === undefined || !accept(host, newest.lastSeenSec)) return;
    const minute = windowTotals(ring, layout);
    hosts.push({
      host,
      lastSeenSec: newest.lastSeenSec,
      cpuLoad: newest.lastCpuLoad,
      memLoad: newest.lastMemLoad,
      cpuLastMinute: minute.cpuMean,
      memLastMinute: minute.memMean,
    });
  };
  // A store visits in no particular order; sorted, a scrape reads the same from one time to the next.
  return Promise.resolve(store.visitHosts(nowSec, 'last_minute', visit)).then(() => hosts.sort(byHost));
}

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
        matches(host) && passesStatus(status, lastSeenSec, nowSec, staleAfterSec);
      hostGauges(store, nowSec, accept).then((hosts) => {
        // Written chunk by chunk, not res.send: send would want one string and hash the whole
        // body for an ETag (tens of MB for a large fleet) that Prometheus never sends back.
        const chunks = hostExpositionChunks(hosts);
        let bytes = 0;
        for (const chunk of chunks) bytes += Buffer.byteLength(chunk);
        res.setHeader('Content-Type', PROMETHEUS_TEXT_TYPE);
        res.setHeader('Content-Length', bytes);
        // Node sends no body to HEAD, whatever is written.
        for (const chunk of chunks) res.write(chunk);
        res.end();
      }, next);
    })
    .all(methodNotAllowed(['GET', 'HEAD']));
  return router;
}
