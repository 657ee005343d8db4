/*
 * GET /perf: every host matching `match` and `status`, ranked by `sort`, a page of `limit`
 * at a time, optionally with each host's statistics over a whole `window`. One visit of
 * the store; a bounded heap keeps the page (fleet/ranking.ts), so the fleet is never sorted
 * whole. Headers: X-Total-Count (hosts matching), and Link rel="next" while more follow.
 */
import { NextFunction, Request, RequestHandler, Response } from 'express';
import { encodeCursor, decodeCursor, queryIdentity } from '../fleet/cursor';
import { matchGlobs, parseMatchParam } from '../fleet/match';
import { PageSelector, Ranked, SortOrder, parseSortParam } from '../fleet/ranking';
import { hostStatus, parseStatusParam, passesStatus } from '../fleet/status';
import { ClosedWindowCache, WindowReading } from '../fleet/closed-window-cache';
import { WindowTotals, windowTotals } from '../fleet/window-totals';
import { windowLayout } from '../fleet/window-layout';
import { MODES, Mode } from '../store/modes';
import { HostNewest, Store, VisitedRing } from '../store/store';
import { Clock } from '../store/time';
import { toWireHost } from './fleet-wire';
import { whenDone } from './handler-kit';
import { queryCheck } from './query-params';
import { parseLimit, parseWindow } from './validate';

const checkQuery = queryCheck('match', 'status', 'window', 'sort', 'limit', 'cursor');

interface Listed extends Ranked {
  lastSeenSec: number;
  cpuLoad: number;
  memLoad: number;
  totals: WindowTotals | undefined;
}

interface ListingDeps {
  store: Store;
  clock: Clock;
  staleAfterSec: number;
}

/**
 * The value `order` ranks a host by: the newest sample's, or with a window the window's
 * mean (null when it holds none), without building totals. `position`: the host's place in
 * the visit, by which the reading finds what it kept of the host.
 */
function sortKey(
  order: SortOrder,
  newest: HostNewest,
  ring: VisitedRing | undefined,
  reading: WindowReading | undefined,
  position: number,
): number | null {
  switch (order.field) {
    case 'host':
      return null;
    case 'lastSeen':
      return newest.lastSeenSec;
    case 'cpuLoad':
      return ring === undefined || reading === undefined ? newest.lastCpuLoad : reading.mean(position, ring, newest.lastSeenSec, 'cpu');
    case 'memLoad':
      return ring === undefined || reading === undefined ? newest.lastMemLoad : reading.mean(position, ring, newest.lastSeenSec, 'mem');
  }
}

/** The `next` link: this request's own query, in its order, with the cursor replaced. */
function nextLink(req: Request, cursor: string): string {
  const queryAt = req.url.indexOf('?');
  const params = new URLSearchParams(queryAt === -1 ? '' : req.url.slice(queryAt + 1));
  params.delete('cursor');
  params.append('cursor', cursor);
  return `</perf?${params.toString()}>; rel="next"`;
}

export function listHosts({ store, clock, staleAfterSec }: ListingDeps): RequestHandler {
  // What each window's closed buckets add up to per host, kept between requests.
  const closedWindows = new Map<Mode, ClosedWindowCache>(MODES.map((mode) => [mode, new ClosedWindowCache()]));
  return (req: Request, res: Response, next: NextFunction): void => {
    checkQuery(req);
    const nowSec = clock();
    const query = req.query;
    const matches = parseMatchParam(query.match);
    const status = parseStatusParam(query.status);
    const mode: Mode | undefined = parseWindow(query.window);
    const order = parseSortParam(query.sort);
    const limit = parseLimit(query.limit);
    const identity = queryIdentity([order.field, String(order.descending), mode ?? '', status, ...matchGlobs(query.match)]);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, identity);

    const layout = mode === undefined ? undefined : windowLayout(mode, nowSec);
    const reading =
      mode === undefined || layout === undefined ? undefined : closedWindows.get(mode)?.reading(layout, store.bucketEpoch?.(mode, nowSec));
    const selector = new PageSelector<Listed>(order, limit, after);
    const probe: Ranked = { host: '', key: null };
    let total = 0;
    let position = -1;
    const visit = (host: string, newest: HostNewest, ring: VisitedRing | undefined): void => {
      position++;
      if (!matches(host) || !passesStatus(status, newest.lastSeenSec, nowSec, staleAfterSec)) return;
      total++;
      probe.host = host;
      probe.key = sortKey(order, newest, ring, reading, position);
      if (!selector.follows(probe)) return;
      if (!selector.wouldKeep(probe)) {
        selector.skip();
        return;
      }
      // Totals only for the hosts that make the page (so far): the rest never needed them.
      const totals = ring !== undefined && layout !== undefined ? windowTotals(ring, layout) : undefined;
      selector.offer({
        host,
        key: probe.key,
        lastSeenSec: newest.lastSeenSec,
        cpuLoad: newest.lastCpuLoad,
        memLoad: newest.lastMemLoad,
        totals,
      });
    };
    whenDone(store.visitHosts(nowSec, mode, visit), next, () => {
      const page = selector.page();
      res.set('X-Total-Count', String(total));
      const last = page.hosts.at(-1);
      if (page.more && last !== undefined) res.set('Link', nextLink(req, encodeCursor(identity, last)));
      res.json(
        page.hosts.map((listed) =>
          toWireHost(
            { host: listed.host, lastSeenSec: listed.lastSeenSec, cpuLoad: listed.cpuLoad, memLoad: listed.memLoad },
            hostStatus(listed.lastSeenSec, nowSec, staleAfterSec),
            mode === undefined || listed.totals === undefined ? undefined : { mode, totals: listed.totals },
          ),
        ),
      );
    });
  };
}
