/*
 * The reads of the fleet questions (GET /perf with its filters, /perf/{host}, /fleet) on
 * Redis, over the same keys and codec as the rest of RedisStore:
 *
 *   summary      GETRANGE of the host's newest sample                         1 round trip
 *   visitHosts   ZRANGEBYSCORE hosts ∥ trim → per FLEET_CHUNK hosts: one GETRANGE each of the
 *                newest sample (and, for a window, through the end of the mode's ring)
 *                                                                   1 + hosts / FLEET_CHUNK round trips
 *
 * A ranking or aggregate over a window needs every live host's ring of that mode, read with
 * the rings before it in the host's string: at 10,000 hosts and last_hour, 10,000 × 4,736
 * bytes, about 48 MB per query (docs/redis.md has the measured cost). Each ring is copied
 * into one reused SeriesBuffer, so the fleet functions read it exactly as they read the
 * in-memory store's.
 */
import { Mode, RESOLUTIONS } from '../modes';
import { SLOT_BYTES, SeriesBuffer, allocateSeries, metaIndex } from '../ring-buffer';
import { readSlot } from '../slot-bytes';
import { HostSummary, HostVisitor, isExpired, oldestLiveSec } from '../store';
import { LAST_BYTES, decodeLast, reportRange, ringOf } from './codec';
import { RedisClient } from './connection';
import { seriesKey } from './keys';

/**
 * Hosts read per round trip. A last_hour chunk is about 4.7 MB: large enough that
 * round trips do not dominate, small enough that each chunk ends well within the command
 * timeout and the reply buffers stay bounded.
 */
const FLEET_CHUNK = 1_000;

/** What the reads need of the store they serve. */
export interface FleetReadContext {
  client: RedisClient;
  prefix: string;
  hostsKey: string;
  /** Runs one call within the command timeout (RedisStore.bounded). */
  bounded<T>(work: () => Promise<T>): Promise<T>;
}

export async function readSummary(context: FleetReadContext, host: string, nowSec: number): Promise<HostSummary | undefined> {
  const bytes = await context.bounded(() => context.client.getrangeBuffer(seriesKey(context.prefix, host), 0, LAST_BYTES - 1));
  const last = decodeLast(bytes);
  if (last === undefined || isExpired(last.timeSec, nowSec)) return undefined;
  return { host, lastSeenSec: last.timeSec, cpuLoad: last.cpuLoad, memLoad: last.memLoad };
}

export async function visitHosts(context: FleetReadContext, nowSec: number, mode: Mode | undefined, visit: HostVisitor): Promise<void> {
  const cutoffSec = oldestLiveSec(nowSec);
  const [names] = await context.bounded(() =>
    Promise.all([
      context.client.zrangebyscore(context.hostsKey, cutoffSec, '+inf'),
      // As RedisStore.hosts() does: the set stays bounded even when no new host ever arrives.
      context.client.zremrangebyscore(context.hostsKey, '-inf', `(${cutoffSec}`),
    ]),
  );
  const bucketCount = mode === undefined ? 0 : RESOLUTIONS[mode].bucketCount;
  const slots = mode === undefined ? undefined : { series: allocateSeries(bucketCount), firstSlot: 0 };
  const newest = { lastSeenSec: 0, lastCpuLoad: 0, lastMemLoad: 0 };
  // The newest sample sits at the start of a host's string, its rings after it: one read each.
  const toByte = mode === undefined ? LAST_BYTES - 1 : reportRange(mode).toByte;
  for (let from = 0; from < names.length; from += FLEET_CHUNK) {
    const chunk = names.slice(from, from + FLEET_CHUNK);
    // One GETRANGE per host; auto-pipelining sends a chunk's as one pipeline per node.
    const replies = await context.bounded(() =>
      Promise.all(chunk.map((host) => context.client.getrangeBuffer(seriesKey(context.prefix, host), 0, toByte))),
    );
    chunk.forEach((host, i) => {
      const series = replies[i];
      const last = decodeLast(series);
      if (last === undefined || isExpired(last.timeSec, nowSec)) return;
      newest.lastSeenSec = last.timeSec;
      newest.lastCpuLoad = last.cpuLoad;
      newest.lastMemLoad = last.memLoad;
      if (slots !== undefined && mode !== undefined) copyRing(ringOf(series, mode), slots.series, bucketCount);
      visit(host, newest, slots);
    });
  }
}

/** A ring string into `series`, slot by slot; slots the string does not hold (a missing key) read as empty. */
function copyRing(ring: Buffer, series: SeriesBuffer, bucketCount: number): void {
  for (let i = 0; i < bucketCount; i++) {
    const at = i * SLOT_BYTES;
    if (at + SLOT_BYTES <= ring.length) readSlot(ring, at, series, i);
    else series.meta[metaIndex(i) + 1] = 0;
  }
}
