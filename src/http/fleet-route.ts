/*
 * GET /fleet/{mode}: the matching hosts pooled per interval of the mode's window, oldest
 * first (fleet/fleet-aggregate.ts). No turn of the event loop runs long: the store's visit,
 * the pooling of many hosts and the percentile selection each yield by time (in-turns.ts).
 *
 * Over a store that tells when its closed buckets change (in memory), the closed intervals
 * of recent queries are kept (fleet/closed-fleet-cache.ts): a query then pools only the
 * bucket in progress, which is what lets dashboards poll a fleet of 100,000 hosts every
 * few seconds. Over Redis every query pools the whole window as it reads it.
 */
import { NextFunction, Request, RequestHandler, Response } from 'express';
import { ClosedFleetCache } from '../fleet/closed-fleet-cache';
import { FleetAggregate, MeansBuffers } from '../fleet/fleet-aggregate';
import { HostMatcher, matchGlobs, parseMatchParam } from '../fleet/match';
import { StatusFilter, parseStatusParam, passesStatus } from '../fleet/status';
import { WindowLayout, splitLayout, windowLayout } from '../fleet/window-layout';
import { Mode } from '../store/modes';
import { SeriesBuffer } from '../store/ring-buffer';
import { HostNewest, MaybePromise, RingSlots, Store } from '../store/store';
import { Clock } from '../store/time';
import { WireFleetInterval, toWireFleetInterval } from './fleet-wire';
import { whenDone } from './handler-kit';
import { forEachInTurns } from './in-turns';
import { queryCheck } from './query-params';
import { parseFill, parseMode } from './validate';

const checkQuery = queryCheck('match', 'status', 'fill');

/** Distinct queries (mode, filters) whose closed intervals are kept: a few dashboards' worth. */
const KEPT_QUERIES = 8;
/** Hosts pooled between two looks at the clock. */
const HOSTS_PER_CHECK = 256;

interface FleetDeps {
  store: Store;
  clock: Clock;
  staleAfterSec: number;
}

interface FleetQuery {
  mode: Mode;
  nowSec: number;
  layout: WindowLayout;
  matches: HostMatcher;
  status: StatusFilter;
}

export function fleetReport({ store, clock, staleAfterSec }: FleetDeps): RequestHandler {
  // Fleets change size slowly: the last answer's host count sizes the next one's buffers, and
  // an aggregate's buffers serve the next one of as many buckets (one at a time: a request
  // running meanwhile allocates its own).
  let lastHostCount = 0;
  const spare = new Map<number, MeansBuffers>();
  const kept = new ClosedFleetCache<WireFleetInterval>(KEPT_QUERIES);

  const newAggregate = (layout: WindowLayout): FleetAggregate => {
    const reused = spare.get(layout.bucketCount);
    spare.delete(layout.bucketCount);
    return new FleetAggregate(layout, lastHostCount, reused);
  };

  /** Every interval of the aggregate on the wire, empty ones included; percentiles selected a few per turn. */
  const toWire = (aggregate: FleetAggregate): MaybePromise<WireFleetInterval[]> => {
    const wire: WireFleetInterval[] = [];
    const done = forEachInTurns(aggregate.bucketCount, 1, (k) =>
      wire.push(toWireFleetInterval(aggregate.interval(k), aggregate.bucketSeconds)),
    );
    const release = (): WireFleetInterval[] => {
      spare.set(aggregate.bucketCount, aggregate.meansBuffers());
      return wire;
    };
    return done === undefined ? release() : done.then(release);
  };

  const passes = (query: FleetQuery, host: string, newest: HostNewest): boolean =>
    query.matches(host) && passesStatus(query.status, newest.lastSeenSec, query.nowSec, staleAfterSec);

  /** The whole window pooled in one visit (a store that keeps nothing between reads). */
  const poolWindow = (query: FleetQuery, answer: (wire: WireFleetInterval[]) => void, next: NextFunction): void => {
    const aggregate = newAggregate(query.layout);
    let hosts = 0;
    const visit = (host: string, newest: HostNewest, ring: RingSlots | undefined): void => {
      if (ring === undefined || !passes(query, host, newest)) return;
      hosts++;
      aggregate.add(ring);
    };
    whenDone(store.visitHosts(query.nowSec, query.mode, visit), next, () => {
      lastHostCount = hosts;
      whenDone(toWire(aggregate), next, answer);
    });
  };

  /** The bucket in progress pooled in the visit; the closed ones taken from `kept` when they still hold, pooled anew otherwise. */
  const poolWithKept = (query: FleetQuery, key: string, answer: (wire: WireFleetInterval[]) => void, next: NextFunction): void => {
    const { closed, inProgress } = splitLayout(query.layout);
    const earlier = kept.get(key);
    const earlierMembers = earlier?.members ?? [];
    // The hosts passing, in visit order: while they are the earlier ones, only counted (a
    // copy of 100,000 references costs more than pooling their bucket in progress).
    let members: SeriesBuffer[] | undefined = earlier === undefined ? [] : undefined;
    let memberCount = 0;
    let firstSlot = 0;
    const current = newAggregate(inProgress);
    const visit = (host: string, newest: HostNewest, ring: RingSlots | undefined): void => {
      if (ring === undefined || !passes(query, host, newest)) return;
      if (members === undefined && earlierMembers[memberCount] !== ring.series) members = earlierMembers.slice(0, memberCount);
      members?.push(ring.series);
      memberCount++;
      firstSlot = ring.firstSlot;
      current.add(ring);
    };
    whenDone(store.visitHosts(query.nowSec, query.mode, visit), next, () => {
      lastHostCount = memberCount;
      const withCurrent = (closedWire: readonly WireFleetInterval[]): void =>
        whenDone(toWire(current), next, (currentWire) => answer([...closedWire, ...currentWire]));
      if (earlier !== undefined && members === undefined && memberCount === earlierMembers.length) {
        withCurrent(earlier.intervals);
        return;
      }
      if (members === undefined) members = earlierMembers.slice(0, memberCount);
      const summed = members;
      const aggregate = newAggregate(closed);
      const ring = { series: summed[0], firstSlot };
      const pooled = forEachInTurns(summed.length, HOSTS_PER_CHECK, (i) => {
        ring.series = summed[i];
        aggregate.add(ring);
      });
      whenDone(pooled, next, () =>
        whenDone(toWire(aggregate), next, (closedWire) => {
          kept.set(key, { members: summed, intervals: closedWire });
          withCurrent(closedWire);
        }),
      );
    });
  };

  return (req: Request, res: Response, next: NextFunction): void => {
    checkQuery(req);
    const nowSec = clock();
    const mode = parseMode(req.params.mode);
    const query: FleetQuery = {
      mode,
      nowSec,
      layout: windowLayout(mode, nowSec),
      matches: parseMatchParam(req.query.match),
      status: parseStatusParam(req.query.status),
    };
    const fill = parseFill(req.query.fill);
    const answer = (wire: WireFleetInterval[]): void => {
      res.json(fill ? wire : wire.filter((interval) => interval.hosts !== 0));
    };
    const revision = store.closedBucketsRevision?.(mode);
    if (revision === undefined) {
      poolWindow(query, answer, next);
      return;
    }
    const key = [mode, query.layout.startSec[0], revision, query.status, ...matchGlobs(req.query.match)].join(' ');
    poolWithKept(query, key, answer, next);
  };
}
