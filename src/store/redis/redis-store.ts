/*
 * RedisStore: the Store kept in Redis (standalone or Cluster), shared by every ServerTrack
 * process pointed at it. Key layout in keys.ts, byte layout in codec.ts, the
 * atomic per-sample update in scripts.ts. Same buckets, same rules and the same
 * doubles as the in-memory HostStore, so both answer every request identically.
 *
 *   record   EVALSHA record(known hosts only) ∥ ZADD XX GT hosts     1 round trip
 *            unknown host: EVALSHA admit (trim, cap) → EVALSHA record  +2 round trips, once per host
 *   batch    read last of each host → EVALSHA admit of the unknown ones, ADMIT_CHUNK per call →
 *            EVALSHA record per sample and one ZADD XX GT, pipelined, BATCH_CHUNK samples per round trip
 *   report   MGET last, ring                                          1 round trip
 *   hosts    ZRANGEBYSCORE hosts ∥ trim → read last of each host      1 + hosts / BATCH_CHUNK round trips
 *   forget   ZSCORE ∥ ZREM hosts → DEL the host's keys; true only for a live host
 *
 * "Read last" takes BATCH_CHUNK hosts per round trip: one MGET on one Redis; on a cluster,
 * whose hosts sit in many slots, one GET each, which auto-pipelining groups per node.
 *
 * Every call, and each chunk of a chunked one, is bounded by `commandTimeoutMs`; a Redis
 * that is down, slow or refusing writes raises StoreUnavailableError (bounded-calls.ts),
 * which the HTTP layer answers with 503.
 */
import { Cluster, Result } from 'ioredis';
import { Mode, RESOLUTIONS } from '../modes';
import { BoundedCalls } from './bounded-calls';
import { FleetReadContext, readSummary, visitHosts } from './fleet-reads';
import { LastSample, decodeLast, decodeWindow, encodeSampleArgument } from './codec';
import { DEFAULT_COMMAND_TIMEOUT_MS, RedisClient } from './connection';
import { DEFAULT_KEY_PREFIX, hostKeys, hostsKey, recordScriptKeys } from './keys';
import { ADMIT_CHUNK, ADMIT_LUA, RECORD_LUA } from './scripts';
import { StoreUnavailableError } from '../store-errors';
import { DEFAULT_MAX_HOSTS } from '../host-store';
import {
  HostSample,
  HostSummary,
  HostVisitor,
  Interval,
  RecordOutcome,
  Sample,
  Store,
  StoreHealth,
  isExpired,
  oldestLiveSec,
} from '../store';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    servertrackRecord(...keysAndArgs: (string | Buffer)[]): Result<number, Context>;
    servertrackAdmit(...keysAndArgs: string[]): Result<(number | string)[], Context>;
  }
}

/**
 * Samples of a bulk request sent per pipeline, and hosts whose `last` key is read per round
 * trip. Each chunk must finish within the command timeout, and memory for pending replies
 * stays bounded whatever the request or the fleet size.
 */
const BATCH_CHUNK = 1_000;

/** The record script's second argument: write only for a live host, or write in any case. */
const ONLY_IF_KNOWN = '1';
const ALWAYS = '0';

interface RedisStoreOptions {
  client: RedisClient;
  keyPrefix?: string; // DEFAULT_KEY_PREFIX when absent
  commandTimeoutMs?: number; // DEFAULT_COMMAND_TIMEOUT_MS when absent: the most any store call may take
  maxHosts?: number; // DEFAULT_MAX_HOSTS when absent: the cap of store.ts, shared by every process on this Redis
}

export class RedisStore implements Store {
  readonly maxHosts: number;
  private readonly client: RedisClient;
  private readonly prefix: string;
  private readonly hostsKey: string;
  private readonly calls: BoundedCalls;

  constructor(options: RedisStoreOptions) {
    this.client = options.client;
    this.prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.hostsKey = hostsKey(this.prefix);
    this.calls = new BoundedCalls(this.client, options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS);
    this.maxHosts = options.maxHosts ?? DEFAULT_MAX_HOSTS;
    // defineCommand is idempotent per client; several stores may share one connection.
    this.client.defineCommand('servertrackRecord', { numberOfKeys: recordScriptKeys(hostKeys('', 'x')).length, lua: RECORD_LUA });
    this.client.defineCommand('servertrackAdmit', { numberOfKeys: 1, lua: ADMIT_LUA });
  }

  /**
   * Known host: the record script (which writes nothing for a host it does not know) and
   * ZADD XX GT in parallel, one round trip. XX keeps ZADD from adding a host the cap has not
   * admitted. Unknown host: admit (cap), then record.
   */
  record(host: string, sample: Sample, nowSec: number): Promise<RecordOutcome> {
    return this.bounded(async () => {
      const keys = recordScriptKeys(hostKeys(this.prefix, host));
      const argument = encodeSampleArgument(nowSec, sample);
      const [written] = await Promise.all([
        this.client.servertrackRecord(...keys, argument, ONLY_IF_KNOWN),
        this.client.zadd(this.hostsKey, 'XX', 'GT', String(sample.timeSec), host),
      ]);
      if (written === 1) return 'recorded';
      if (!(await this.admit(new Map([[host, sample.timeSec]]), nowSec))) return 'full';
      await this.client.servertrackRecord(...keys, argument, ALWAYS);
      return 'recorded';
    });
  }

  /**
   * All or nothing under the cap: which hosts are unknown is read first (BATCH_CHUNK hosts
   * per round trip), they are admitted together (see admit()), and only then is anything
   * written, pipelined in chunks of BATCH_CHUNK so each chunk fits the command timeout.
   * Redis cannot make writes spread over cluster slots atomic, so a batch that fails
   * part-way (503) may have been partly recorded; it is never reported accepted.
   */
  async recordBatch(entries: readonly HostSample[], nowSec: number): Promise<RecordOutcome> {
    const newestByHost = newestSecByHost(entries);
    const hosts = [...newestByHost.keys()];
    const lasts = await this.readLasts(hosts);
    const unknown = new Map<string, number>();
    hosts.forEach((host, i) => {
      const last = lasts[i];
      if (last === undefined || isExpired(last.timeSec, nowSec)) unknown.set(host, newestByHost.get(host) as number);
    });
    if (unknown.size > 0 && !(await this.admit(unknown, nowSec))) return 'full';
    for (let from = 0; from < entries.length; from += BATCH_CHUNK) {
      await this.bounded(() => this.writeAll(entries.slice(from, from + BATCH_CHUNK), nowSec));
    }
    return 'recorded';
  }

  /**
   * One ZADD for the whole chunk (each host at its newest time) and one script call per
   * sample. On one Redis an explicit pipeline: one promise for the chunk instead of one per
   * command, which is most of the client's cost. A cluster's pipeline must stay on one node,
   * so there each command goes on its own and auto-pipelining groups them per node.
   */
  private async writeAll(entries: readonly HostSample[], nowSec: number): Promise<void> {
    const scores: string[] = [];
    for (const [host, newestSec] of newestSecByHost(entries)) scores.push(String(newestSec), host);
    const client = this.client;
    if (client instanceof Cluster) {
      await Promise.all([
        ...entries.map(({ host, sample }) =>
          client.servertrackRecord(...recordScriptKeys(hostKeys(this.prefix, host)), encodeSampleArgument(nowSec, sample), ALWAYS),
        ),
        client.zadd(this.hostsKey, 'XX', 'GT', ...scores),
      ]);
      return;
    }
    const pipeline = client.pipeline();
    for (const { host, sample } of entries) {
      pipeline.servertrackRecord(...recordScriptKeys(hostKeys(this.prefix, host)), encodeSampleArgument(nowSec, sample), ALWAYS);
    }
    pipeline.zadd(this.hostsKey, 'XX', 'GT', ...scores);
    for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
  }

  /** The newest sample of each host, in the order given, read BATCH_CHUNK hosts at a time, each chunk within the timeout. */
  private async readLasts(hosts: readonly string[]): Promise<(LastSample | undefined)[]> {
    const lasts: (LastSample | undefined)[] = [];
    for (let from = 0; from < hosts.length; from += BATCH_CHUNK) {
      const keys = hosts.slice(from, from + BATCH_CHUNK).map((host) => hostKeys(this.prefix, host).last);
      for (const bytes of await this.bounded(() => this.getAll(keys))) lasts.push(decodeLast(bytes));
    }
    return lasts;
  }

  /** One MGET on one Redis. A cluster's keys sit in many slots, so there one GET each, which auto-pipelining groups per node. */
  private getAll(keys: string[]): Promise<(Buffer | null)[]> {
    const client = this.client;
    if (client instanceof Cluster) return Promise.all(keys.map((key) => client.getBuffer(key)));
    return client.mgetBuffer(...keys);
  }

  /**
   * Admits every host of `newestSecByHost` into the hosts set, or none when they do not fit.
   * ADMIT_CHUNK hosts per script call, each within the timeout. Each call checks the cap and
   * takes its places atomically, so the cap always holds; when a later call is refused (or
   * fails), the places the earlier ones took are given back, so a bulk request of 100,000
   * new hosts is still all or nothing. The give-back is not atomic with other processes: a
   * host of the refused request that another process records in between keeps its samples
   * but loses its place (unlisted and uncounted) until it expires. That takes a refusal at
   * the cap after more than ADMIT_CHUNK new hosts, and the same new host arriving elsewhere
   * within those milliseconds.
   */
  private async admit(newestSecByHost: Map<string, number>, nowSec: number): Promise<boolean> {
    const head = [this.hostsKey, String(oldestLiveSec(nowSec)), String(this.maxHosts)];
    const hosts = [...newestSecByHost];
    const taken: string[] = [];
    try {
      for (let from = 0; from < hosts.length; from += ADMIT_CHUNK) {
        const args = [...head];
        for (const [host, newestSec] of hosts.slice(from, from + ADMIT_CHUNK)) args.push(String(newestSec), host);
        const [admitted, ...added] = await this.bounded(() => this.client.servertrackAdmit(...args));
        if (admitted !== 1) {
          await this.giveBack(taken);
          return false;
        }
        for (const name of added) taken.push(String(name));
      }
      return true;
    } catch (err) {
      await this.giveBack(taken).catch(() => undefined);
      throw err;
    }
  }

  /** Takes hosts this process admitted out of the hosts set again, ADMIT_CHUNK per call. */
  private async giveBack(hosts: readonly string[]): Promise<void> {
    for (let from = 0; from < hosts.length; from += ADMIT_CHUNK) {
      await this.bounded(() => this.client.zrem(this.hostsKey, ...hosts.slice(from, from + ADMIT_CHUNK)));
    }
  }

  report(host: string, mode: Mode, nowSec: number): Promise<Interval[] | undefined> {
    return this.bounded(async () => {
      const keys = hostKeys(this.prefix, host);
      const [lastBytes, ring] = await this.client.mgetBuffer(keys.last, keys.rings[mode]);
      const last = decodeLast(lastBytes);
      if (last === undefined || isExpired(last.timeSec, nowSec)) return undefined;
      return decodeWindow(ring, RESOLUTIONS[mode], nowSec);
    });
  }

  async hosts(nowSec: number): Promise<HostSummary[]> {
    const cutoffSec = oldestLiveSec(nowSec);
    const [names] = await this.bounded(() =>
      Promise.all([
        this.client.zrangebyscore(this.hostsKey, cutoffSec, '+inf'),
        // Trimming here too keeps the set bounded even when no new host ever arrives.
        this.client.zremrangebyscore(this.hostsKey, '-inf', `(${cutoffSec}`),
      ]),
    );
    const lasts = await this.readLasts(names);
    const summaries: HostSummary[] = [];
    names.forEach((host, i) => {
      const last = lasts[i];
      if (last === undefined || isExpired(last.timeSec, nowSec)) return;
      summaries.push({ host, lastSeenSec: last.timeSec, cpuLoad: last.cpuLoad, memLoad: last.memLoad });
    });
    return summaries.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  }

  summary(host: string, nowSec: number): Promise<HostSummary | undefined> {
    return readSummary(this.fleetReads(), host, nowSec);
  }

  visitHosts(nowSec: number, mode: Mode | undefined, visit: HostVisitor): Promise<void> {
    return visitHosts(this.fleetReads(), nowSec, mode, visit);
  }

  /** What fleet-reads.ts needs of this store. */
  private fleetReads(): FleetReadContext {
    return { client: this.client, prefix: this.prefix, hostsKey: this.hostsKey, bounded: (work) => this.bounded(work) };
  }

  /**
   * True when the host was live (in the set, newest sample inside the day window): a host
   * past its window is already unknown to every read, as in memory once anything has read it.
   */
  forget(host: string, nowSec: number): Promise<boolean> {
    return this.bounded(async () => {
      // The set first: a sample racing this DELETE then either lands before the keys go, or
      // finds the host unknown and re-admits it whole.
      const [score] = await Promise.all([this.client.zscore(this.hostsKey, host), this.client.zrem(this.hostsKey, host)]);
      await this.client.del(...recordScriptKeys(hostKeys(this.prefix, host)));
      return score !== null && !isExpired(Number(score), nowSec);
    });
  }

  /** Live hosts, counted in the sorted set by score (ZCOUNT, O(log n)), for metrics. */
  countHosts(nowSec: number): Promise<number> {
    return this.bounded(() => this.client.zcount(this.hostsKey, oldestLiveSec(nowSec), '+inf'));
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

  /** Runs `work` within the command timeout; see bounded-calls.ts. */
  private bounded<T>(work: () => Promise<T>): Promise<T> {
    return this.calls.run(work);
  }
}

/** Each host of `entries` once, at the time of its newest sample, in order of first appearance. */
function newestSecByHost(entries: readonly HostSample[]): Map<string, number> {
  const newest = new Map<string, number>();
  for (const { host, sample } of entries) newest.set(host, Math.max(newest.get(host) ?? Number.NEGATIVE_INFINITY, sample.timeSec));
  return newest;
}
