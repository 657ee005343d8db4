/*
 * GET /fleet/{mode}: the matching hosts pooled per interval of the mode's window, oldest
 * first (fleet/fleet-aggregate.ts). One visit of the store gathers every ring; the
 * percentiles are then selected a few intervals per event loop turn (both by time), so a
 * fleet of 100,000 hosts never holds the loop for the whole computation.
 */
import { NextFunction, Request, RequestHandler, Response } from 'express';
import { FleetAggregate, MeansBuffers } from '../fleet/fleet-aggregate';
import { parseMatchParam } from '../fleet/match';
import { parseStatusParam, passesStatus } from '../fleet/status';
import { windowLayout } from '../fleet/window-layout';
import { HostNewest, RingSlots, Store } from '../store/store';
import { Clock } from '../store/time';
import { WireFleetInterval, toWireFleetInterval } from './fleet-wire';
import { whenDone } from './handler-kit';
import { queryCheck } from './query-params';
import { parseFill, parseMode } from './validate';

const checkQuery = queryCheck('match', 'status', 'fill');

/** How long one turn may select percentiles before yielding to the event loop (as HostStore.visitHosts). */
const PERCENTILE_TURN_MS = 8;

interface FleetDeps {
  store: Store;
  clock: Clock;
  staleAfterSec: number;
}

export function fleetReport({ store, clock, staleAfterSec }: FleetDeps): RequestHandler {
  // Fleets change size slowly: the last answer's host count sizes the next one's buffers, and
  // its buffers serve the next request of the same mode (one at a time: a request running
  // meanwhile allocates its own).
  let lastHostCount = 0;
  const spare = new Map<number, MeansBuffers>();
  return (req: Request, res: Response, next: NextFunction): void => {
    checkQuery(req);
    const nowSec = clock();
    const mode = parseMode(req.params.mode);
    const matches = parseMatchParam(req.query.match);
    const status = parseStatusParam(req.query.status);
    const fill = parseFill(req.query.fill);
    const layout = windowLayout(mode, nowSec);
    const reused = spare.get(layout.bucketCount);
    spare.delete(layout.bucketCount);
    const aggregate = new FleetAggregate(layout, lastHostCount, reused);
    let hosts = 0;
    const visit = (host: string, newest: HostNewest, ring: RingSlots | undefined): void => {
      if (ring === undefined || !matches(host) || !passesStatus(status, newest.lastSeenSec, nowSec, staleAfterSec)) return;
      hosts++;
      aggregate.add(ring);
    };
    whenDone(store.visitHosts(nowSec, mode, visit), next, () => {
      lastHostCount = hosts;
      const wire: WireFleetInterval[] = [];
      let k = 0;
      const step = (): void => {
        try {
          const turnEndsMs = performance.now() + PERCENTILE_TURN_MS;
          for (; k < layout.bucketCount && performance.now() < turnEndsMs; k++) {
            const interval = aggregate.interval(k);
            if (fill || interval.hosts > 0) wire.push(toWireFleetInterval(interval, layout.bucketSeconds));
          }
        } catch (err) {
          next(err);
          return;
        }
        if (k < layout.bucketCount) {
          setImmediate(step);
          return;
        }
        spare.set(layout.bucketCount, aggregate.meansBuffers());
        res.json(wire);
      };
      step();
    });
  };
}
