/*
 * RedisStore: the Store kept in Redis (standalone or Cluster), shared by every ServerTrack
 * process pointed at it. Key layout in redis/keys.ts, byte layout in redis/codec.ts, the
 * atomic per-sample update in redis/scripts.ts. Same buckets, same rules and the same
 * doubles as the in-memory HostStore, so both answer every request identically.
 *
 *   record   EVALSHA record(known hosts only) ∥ ZADD XX GT hosts     1 round trip
 *            unknown host: EVALSHA admit (trim, cap) → EVALSHA record  +2 round trips, once per host
 *   report   MGET last, ring                                          1 round trip
 *   hosts    ZRANGEBYSCORE hosts ∥ trim → GET last of each host        2 round trips (pipelined)
 *   forget   ZREM hosts → DEL the host's keys
 *
 * Every call is bounded by `commandTimeoutMs`; a Redis that is down, slow or refusing
 * writes raises StoreUnavailableError, which the HTTP layer answers with 503.
 */
import { ReplyError, Result } from 'ioredis';
import { LONGEST, Mode, RESOLUTIONS, windowStart } from './modes';
import { Interval } from './ring-buffer';
import { decodeLast, decodeWindow, encodeSampleArgument } from './redis/codec';
import { RedisClient } from './redis/connection';
import { hostKeys, hostsKey, recordScriptKeys } from './redis/keys';
import { ADMIT_LUA, RECORD_LUA } from './redis/scripts';
import { StoreUnavailableError } from './store-errors';
import { HostSummary, Sample, Store, StoreHealth } from './store';
import { Clock } from './time';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    servertrackRecord(...keysAndArgs: (string | Buffer)[]): Result<number, Context>;
    servertrackAdmit(...keysAndArgs: string[]): Result<number, Context>;
  }
}

/** Replies that mean "Redis cannot serve this now", as opposed to a bug in a command. */
const UNAVAILABLE_REPLIES = /^(CLUSTERDOWN|LOADING|READONLY|MASTERDOWN|TRYAGAIN|OOM|BUSY|NOREPLICAS|MOVED|ASK)\b/;

export interface RedisStoreOptions {
  client: RedisClient;
  clock: Clock;
  keyPrefix?: string; // default 'servertrack:'
  commandTimeoutMs?: number; // default 1000: the most any store call may take
}

export class RedisStore implements Store {
  private readonly client: RedisClient;
  private readonly clock: Clock;
  private readonly prefix: string;
  private readonly hostsKey: string;
  private readonly timeoutMs: number;

  constructor(options: RedisStoreOptions) {
    this.client = options.client;
    this.clock = options.clock;
    this.prefix = options.keyPrefix ?? 'servertrack:';
    this.hostsKey = hostsKey(this.prefix);
    this.timeoutMs = options.commandTimeoutMs ?? 1000;
    // defineCommand is idempotent per client; several stores may share one connection.
    this.client.defineCommand('servertrackRecord', { numberOfKeys: recordScriptKeys(hostKeys('', 'x')).length, lua: RECORD_LUA });
    this.client.defineCommand('servertrackAdmit', { numberOfKeys: 1, lua: ADMIT_LUA });
  }

  record(host: string, sample: Sample, nowSec: number = this.clock()): Promise<void> {
    return this.bounded(async () => {
      const keys = recordScriptKeys(hostKeys(this.prefix, host));
      const argument = encodeSampleArgument(nowSec, sample);
      const score = String(sample.timeSec);
      // Known host: both in parallel. XX keeps ZADD from adding a host the cap has not admitted.
      const [written] = await Promise.all([
        this.client.servertrackRecord(...keys, argument, '1'),
        this.client.zadd(this.hostsKey, 'XX', 'GT', score, host),
      ]);
      if (written === 1) return;
      const cutoffSec = windowStart(LONGEST, nowSec);
      await this.client.servertrackAdmit(this.hostsKey, host, score, String(cutoffSec), '0');
      await this.client.servertrackRecord(...keys, argument, '0');
    });
  }

  report(host: string, mode: Mode, nowSec: number = this.clock()): Promise<Interval[] | undefined> {
    return this.bounded(async () => {
      const keys = hostKeys(this.prefix, host);
      const [lastBytes, ring] = await this.client.mgetBuffer(keys.last, keys.rings[mode]);
      const last = decodeLast(lastBytes);
      if (last === undefined || last.timeSec < windowStart(LONGEST, nowSec)) return undefined;
      return decodeWindow(ring, RESOLUTIONS[mode], nowSec);
    });
  }

  hosts(nowSec: number = this.clock()): Promise<HostSummary[]> {
    return this.bounded(async () => {
      const cutoffSec = windowStart(LONGEST, nowSec);
      const [names] = await Promise.all([
        this.client.zrangebyscore(this.hostsKey, cutoffSec, '+inf'),
        // Trimming here too keeps the set bounded even when no new host ever arrives.
        this.client.zremrangebyscore(this.hostsKey, '-inf', `(${cutoffSec}`),
      ]);
      const lasts = await Promise.all(names.map((host) => this.client.getBuffer(hostKeys(this.prefix, host).last)));
      const summaries: HostSummary[] = [];
      names.forEach((host, i) => {
        const last = decodeLast(lasts[i]);
        if (last === undefined || last.timeSec < cutoffSec) return;
        summaries.push({ host, lastSeenSec: last.timeSec, cpuLoad: last.cpuLoad, memLoad: last.memLoad });
      });
      return summaries.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
    });
  }

  forget(host: string): Promise<boolean> {
    return this.bounded(async () => {
      // The set first: a sample racing this DELETE then either lands before the keys go, or
      // finds the host unknown and re-admits it whole.
      const removed = await this.client.zrem(this.hostsKey, host);
      const deleted = await this.client.del(...recordScriptKeys(hostKeys(this.prefix, host)));
      return removed > 0 || deleted > 0;
    });
  }

  /** Hosts in the hosts set, including any not yet trimmed; what HostStore.size is in memory. */
  hostCount(): Promise<number> {
    return this.bounded(() => this.client.zcard(this.hostsKey));
  }

  async health(): Promise<StoreHealth> {
    try {
      await this.bounded(() => this.client.ping());
      return { ok: true };
    } catch (err) {
      if (err instanceof StoreUnavailableError) return { ok: false, reason: err.reason };
      throw err;
    }
  }

  /** Runs `work` against the deadline and turns every way Redis can fail into StoreUnavailableError. */
  private bounded<T>(work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new StoreUnavailableError(`redis did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      work().then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(toStoreError(err));
        },
      );
    });
  }
}

function toStoreError(err: unknown): unknown {
  if (err instanceof ReplyError && !UNAVAILABLE_REPLIES.test((err as Error).message)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new StoreUnavailableError(`redis: ${message}`);
}
