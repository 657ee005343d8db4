/*
 * The reads of the fleet questions (GET /perf with its filters, /perf/{host}, /fleet) on
 * Redis, over the same keys and codec as the rest of RedisStore:
 *
 *   summary      GET last                                                    1 round trip
 *   visitHosts   ZRANGEBYSCORE hosts ∥ trim → per FLEET_CHUNK hosts: MGET last (and the mode's ring)
 *                                                                   1 + hosts / FLEET_CHUNK round trips
 *
 * A ranking or aggregate over a window needs every live host's ring of that mode: at
 * 10,000 hosts and last_hour that is 10,000 × 3,360 bytes, about 34 MB read per query (see
 * docs/redis.md for the measured cost). Each ring is copied into one reused SeriesBuffer, so
 * the fleet functions read it exactly as they read the in-memory store's.
 */
import { Cluster } from 'ioredis';
import { Mode, RESOLUTIONS } from '../modes';
import { SLOT_BYTES, SeriesBuffer, allocateSeries, metaIndex } from '../ring-buffer';
import { readSlot } from '../slot-bytes';
import { HostSummary, HostVisitor, isExpired, oldestLiveSec } from '../store';
import { decodeLast } from './codec';
import { RedisClient } from './connection';
import { hostKeys } from './keys';

/**
 * Hosts read per round trip. A last_hour chunk is about 3.4 MB of rings: large enough that
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
  const bytes = await context.bounded(() => context.client.getBuffer(hostKeys(context.prefix, host).last));
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
  for (let from = 0; from < names.length; from += FLEET_CHUNK) {
    const chunk = names.slice(from, from + FLEET_CHUNK);
    const keys: string[] = [];
    for (const host of chunk) {
      const hostKey = hostKeys(context.prefix, host);
      keys.push(hostKey.last);
      if (mode !== undefined) keys.push(hostKey.rings[mode]);
    }
    const replies = await context.bounded(() => getAll(context.client, keys));
    const perHost = mode === undefined ? 1 : 2;
    chunk.forEach((host, i) => {
      const last = decodeLast(replies[i * perHost]);
      if (last === undefined || isExpired(last.timeSec, nowSec)) return;
      newest.lastSeenSec = last.timeSec;
      newest.lastCpuLoad = last.cpuLoad;
      newest.lastMemLoad = last.memLoad;
      if (slots !== undefined) copyRing(replies[i * perHost + 1], slots.series, bucketCount);
      visit(host, newest, slots);
    });
  }
}

/** A ring string into `series`, slot by slot; slots the string does not hold (a missing key) read as empty. */
function copyRing(ring: Buffer | null, series: SeriesBuffer, bucketCount: number): void {
  for (let i = 0; i < bucketCount; i++) {
    const at = i * SLOT_BYTES;
    if (ring !== null && at + SLOT_BYTES <= ring.length) readSlot(ring, at, series, i);
    else series.meta[metaIndex(i) + 1] = 0;
  }
}

/** One MGET on one Redis. A cluster's keys sit in many slots, so there one GET each, which auto-pipelining groups per node. */
function getAll(client: RedisClient, keys: string[]): Promise<(Buffer | null)[]> {
  if (client instanceof Cluster) return Promise.all(keys.map((key) => client.getBuffer(key)));
  return client.mgetBuffer(...keys);
}
