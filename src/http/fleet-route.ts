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
import { ClosedFleetCache, KeptInterval } from '../fleet/closed-fleet-cache';
import { FleetAggregate, MeansPool } from '../fleet/fleet-aggregate';
import { HostMatcher, matchGlobs, parseMatchParam } from '../fleet/match';
import { StatusFilter, parseStatusParam, passesStatus } from '../fleet/status';
import { WindowLayout, liveSlotAt, mayHoldBucketInProgress, pickBuckets, windowLayout } from '../fleet/window-layout';
import { Mode, RESOLUTIONS } from '../store/modes';
import { SeriesBuffer } from '../store/ring-buffer';
import { HostNewest, MaybePromise, RingSlots, Store } from '../store/store';
import { Clock } from '../store/time';
import { WireFleetInterval, toWireFleetInterval } from './fleet-wire';
import { whenDone } from './handler-kit';
import { forEachInTurns } from '../store/in-turns';
import { queryCheck } from './query-params';
import { parseFill, parseMode } from './validate';

const checkQuery = queryCheck('match', 'status', 'fill');

/** Distinct queries (mode, filters) whose closed intervals are kept: a few dashboards' worth. */
const KEPT_QUERIES = 8;
/** The most buckets of any mode's window. */
const MAX_BUCKETS = Math.max(...Object.values(RESOLUTIONS).map((r) => r.bucketCount));
/** Hosts pooled between two looks at the clock. */
const HOSTS_PER_CHECK = 256;
/** Joined hosts whose closed buckets are looked at; with more, the whole window is pooled again. */
const MAX_JOINED_CHECKED = 1_024;

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
  // Fleets change size slowly: the last answer's host count sizes the next one's arrays.
  let lastHostCount = 0;
  const means = new MeansPool(2 * (MAX_BUCKETS + 1));
  const kept = new ClosedFleetCache<WireFleetInterval>(KEPT_QUERIES);

  /** Every interval of the aggregate on the wire, empty ones included; percentiles selected a few per turn. */
  const toWire = (aggregate: FleetAggregate): MaybePromise<WireFleetInterval[]> => {
    const wire: WireFleetInterval[] = [];
    const done = forEachInTurns(aggregate.bucketCount, 1, (k) =>
      wire.push(toWireFleetInterval(aggregate.interval(k), aggregate.bucketSeconds)),
    );
    const release = (): WireFleetInterval[] => {
      aggregate.release();
      return wire;
    };
    return done === undefined ? release() : done.then(release);
  };

  const passes = (query: FleetQuery, host: string, newest: HostNewest): boolean =>
    query.matches(host) && passesStatus(query.status, newest.lastSeenSec, query.nowSec, staleAfterSec);

  /** The whole window pooled in one visit (a store that keeps nothing between reads). */
  const poolWindow = (query: FleetQuery, answer: (wire: WireFleetInterval[]) => void, next: NextFunction): void => {
    const aggregate = new FleetAggregate(query.layout, lastHostCount, means);
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

  /**
   * The bucket in progress pooled in the visit; each closed one taken from `kept` when it
   * still holds (closed-fleet-cache.ts), the others pooled again, alone, over the same hosts.
   */
  const poolWithKept = (
    query: FleetQuery,
    key: string,
    slotWrites: Float64Array,
    answer: (wire: WireFleetInterval[]) => void,
    next: NextFunction,
  ): void => {
    const { layout } = query;
    const last = layout.bucketCount - 1;
    // Counted before anything is read: a write while this query runs makes the next one pool that bucket again.
    const writesNow = Float64Array.from(layout.slot.subarray(0, last), (slot) => slotWrites[slot]);
    const earlier = kept.get(key);
    const earlierMembers = earlier?.members ?? [];
    // The hosts passing, in visit order: while they are the earlier ones, only counted (a
    // copy of 100,000 references costs more than pooling their bucket in progress).
    let members: SeriesBuffer[] | undefined = earlier === undefined ? [] : undefined;
    let memberCount = 0;
    let firstSlot = 0;
    // The earlier members met again, in their order, and the hosts passing that were not among them.
    let metAgain = 0;
    const joined: RingSlots[] = [];
    const current = new FleetAggregate(pickBuckets(layout, [last]), lastHostCount, means);
    const visit = (host: string, newest: HostNewest, ring: RingSlots | undefined): void => {
      if (ring === undefined || !passes(query, host, newest)) return;
      if (members === undefined && earlierMembers[memberCount] !== ring.series) members = earlierMembers.slice(0, memberCount);
      members?.push(ring.series);
      if (earlierMembers[metAgain] === ring.series) metAgain++;
      else if (joined.length <= MAX_JOINED_CHECKED) joined.push({ series: ring.series, firstSlot: ring.firstSlot });
      memberCount++;
      firstSlot = ring.firstSlot;
      if (mayHoldBucketInProgress(layout, newest.lastSeenSec)) current.add(ring);
    };
    whenDone(store.visitHosts(query.nowSec, query.mode, visit), next, () => {
      lastHostCount = memberCount;
      // Every earlier member still passes, in the same order: the hosts that joined since
      // change a closed interval only where they hold a sample (written before the kept
      // answer, as by a stale host turned live again; one written after changed the
      // slot's writes). A host that left changes every interval.
      const onlyJoined = metAgain === earlierMembers.length && joined.length <= MAX_JOINED_CHECKED;
      const pooled: SeriesBuffer[] = members ?? earlierMembers.slice(0, memberCount);
      // By closed bucket: the kept interval where it still holds; the others are pooled again.
      const held: (WireFleetInterval | undefined)[] = [];
      const repool: number[] = [];
      for (let k = 0; k < last; k++) {
        const keptInterval = onlyJoined ? earlier?.intervals.get(layout.startSec[k]) : undefined;
        const holds = keptInterval?.writes === writesNow[k] && joined.every((ring) => liveSlotAt(ring, layout, k) === -1);
        held.push(holds ? keptInterval?.interval : undefined);
        if (held[k] === undefined) repool.push(k);
      }
      const aggregate = new FleetAggregate(pickBuckets(layout, repool), memberCount, means);
      const ring = { series: pooled[0], firstSlot };
      const added = forEachInTurns(repool.length === 0 ? 0 : pooled.length, HOSTS_PER_CHECK, (i) => {
        ring.series = pooled[i];
        aggregate.add(ring);
      });
      whenDone(added, next, () =>
        whenDone(toWire(aggregate), next, (repooledWire) =>
          whenDone(toWire(current), next, (currentWire) => {
            const intervals = new Map<number, KeptInterval<WireFleetInterval>>();
            const wire: WireFleetInterval[] = [];
            for (let k = 0, r = 0; k < last; k++) {
              const interval = held[k] ?? repooledWire[r++];
              intervals.set(layout.startSec[k], { writes: writesNow[k], interval });
              wire.push(interval);
            }
            kept.set(key, { members: pooled, intervals });
            answer([...wire, ...currentWire]);
          }),
        ),
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
    const slotWrites = store.slotWrites?.(mode);
    if (slotWrites === undefined) {
      poolWindow(query, answer, next);
      return;
    }
    poolWithKept(query, [mode, query.status, ...matchGlobs(req.query.match)].join(' '), slotWrites, answer, next);
  };
}
