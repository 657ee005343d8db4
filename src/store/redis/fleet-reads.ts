/*
 * The reads of the fleet questions (GET /perf with its filters, /perf/{host}, /fleet) on
 * Redis, over the same keys and codec as the rest of RedisStore:
 *
 *   summary      GETRANGE of the host's newest sample (its front's last bytes)    1 round trip
 *   visitHosts   ZRANGEBYSCORE hosts ∥ trim → per FLEET_CHUNK hosts: one GETRANGE each of the
 *                newest sample, or for a window the windows script (front and rings through
 *                the end of the mode's ring, read together), WINDOWS_PER_CALL hosts a call
 *                                                                   1 + hosts / FLEET_CHUNK round trips
 *
 * A ranking or aggregate over a window needs every live host's ring of that mode, read with
 * the rings before it and the front: at 10,000 hosts and last_hour, 10,000 × 4,904 bytes,
 * about 49 MB per query (docs/redis.md has the measured cost). Each ring is copied into one
 * reused SeriesBuffer, so the fleet functions read it exactly as they read the in-memory
 * store's.
 */
import { Mode, RESOLUTIONS } from '../modes';
import { SLOT_BYTES, SeriesBuffer, allocateSeries, metaIndex } from '../ring-buffer';
import { readSlot } from '../slot-bytes';
import { HostSummary, HostVisitor, isExpired, oldestLiveSec } from '../store';
import { LAST_BYTES, decodeFrontLast, decodeLast, ringOf, ringsEnd } from './codec';
import { RedisClient } from './connection';
import { frontKey, hostKeys } from './keys';
import { HostWindow, readWindows } from './script-calls';

/**
 * Hosts read per round trip. A last_hour chunk is about 4.7 MB: large enough that
 * round trips do not dominate, small enough that each chunk ends well within the command
 * timeout and the reply buffers stay bounded.
 */
const FLEET_CHUNK = 1_000;

/** The rings of a host read without a window: none. */
const NO_RINGS = Buffer.alloc(0);

/** What the reads need of the store they serve. */
export interface FleetReadContext {
  client: RedisClient;
  prefix: string;
  hostsKey: string;
  /** Runs one call within the command timeout (RedisStore.bounded). */
  bounded<T>(work: () => Promise<T>): Promise<T>;
}

export async function readSummary(context: FleetReadContext, host: string, nowSec: number): Promise<HostSummary | undefined> {
  const bytes = await context.bounded(() => context.client.getrangeBuffer(frontKey(context.prefix, host), -LAST_BYTES, -1));
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
  const slots = mode === undefined ? undefined : { series: allocateSeries(bucketCount), firstSlot: 0, lateWrites: 0 };
  const newest = { lastSeenSec: 0, lastCpuLoad: 0, lastMemLoad: 0 };
  for (let from = 0; from < names.length; from += FLEET_CHUNK) {
    const chunk = names.slice(from, from + FLEET_CHUNK);
    const replies = await context.bounded(() => readChunk(context, chunk, mode));
    chunk.forEach((host, i) => {
      const { front, rings } = replies[i];
      const last = mode === undefined ? decodeLast(front) : decodeFrontLast(front);
      if (last === undefined || isExpired(last.timeSec, nowSec)) return;
      newest.lastSeenSec = last.timeSec;
      newest.lastCpuLoad = last.cpuLoad;
      newest.lastMemLoad = last.memLoad;
      if (slots !== undefined && mode !== undefined) copyRing(ringOf(front, rings, mode), slots.series, bucketCount);
      visit(host, newest, slots);
    });
  }
}

/**
 * What a visit needs of each host of a chunk: the newest sample alone (one GETRANGE each,
 * which auto-pipelining sends as one pipeline per node), or for a window the front and the
 * rings through that mode's ring, read together.
 */
async function readChunk(context: FleetReadContext, hosts: readonly string[], mode: Mode | undefined): Promise<HostWindow[]> {
  if (mode !== undefined) {
    return readWindows(
      context.client,
      hosts.map((host) => hostKeys(context.prefix, host)),
      ringsEnd(mode),
    );
  }
  const fronts = await Promise.all(hosts.map((host) => context.client.getrangeBuffer(frontKey(context.prefix, host), -LAST_BYTES, -1)));
  return fronts.map((front) => ({ front, rings: NO_RINGS }));
}

/** A ring string into `series`, slot by slot; slots the string does not hold (a missing key) read as empty. */
function copyRing(ring: Buffer, series: SeriesBuffer, bucketCount: number): void {
  for (let i = 0; i < bucketCount; i++) {
    const at = i * SLOT_BYTES;
    if (at + SLOT_BYTES <= ring.length) readSlot(ring, at, series, i);
    else series.meta[metaIndex(i) + 1] = 0;
  }
}
