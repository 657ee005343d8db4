/*
 * RedisStore: the Store kept in Redis (standalone or Cluster), shared by every ServerTrack
 * process pointed at it. Key layout in keys.ts, byte layout in codec.ts, the atomic
 * per-host update in scripts.ts. Same buckets, same rules and the same doubles as the
 * in-memory HostStore, so both answer every request identically.
 *
 *   record   EVALSHA record(known hosts only), one call for the hosts written in the same tick
 *            (per hash slot on a cluster), one pipeline per node (record-batcher.ts)   1 round trip
 *            newest sample in a later hour: + ZADD XX GT hosts         +1 round trip, once an hour per host
 *            unknown host: EVALSHA admit (trim, cap) → EVALSHA record  +2 round trips, once per host
 *   batch    read last of each host → EVALSHA admit of the unknown ones, ADMIT_CHUNK per call →
 *            EVALSHA record calls of many hosts each (script-calls.ts), each host's samples in one
 *            call, pipelined, WRITE_CHUNK_HOSTS host parts (and at most WRITE_CHUNK_SAMPLES
 *            samples) per round trip; then one ZADD XX GT
 *            for the hosts whose newest sample entered a later hour
 *   report   EVALSHA windows: the host's front and its rings through the mode's ring  1 round trip
 *   hosts    ZRANGEBYSCORE hosts ∥ trim → read last of each host      1 + hosts / BATCH_CHUNK round trips
 *   forget   ZSCORE ∥ ZREM hosts → DEL the host's two keys; true only for a live host
 *
 * "Read last" is the lasts script over BATCH_CHUNK hosts per round trip, as few calls as their
 * slots allow, one pipeline per node (script-calls.ts).
 *
 * Every call, and each chunk of a chunked one, is bounded by `commandTimeoutMs`; a Redis
 * that is down, slow or refusing writes raises StoreUnavailableError (bounded-calls.ts),
 * which the HTTP layer answers with 503.
 */
import { Result } from 'ioredis';
import { LONGEST, Mode, RESOLUTIONS } from '../modes';
import { bucketStart } from '../time';
import { BoundedCalls } from './bounded-calls';
import { FleetReadContext, readSummary, visitHosts } from './fleet-reads';
import { LastSample, decodeFrontLast, decodeLast, decodeWindow, encodeSamples, ringOf, ringsEnd } from './codec';
import { DEFAULT_COMMAND_TIMEOUT_MS, RedisClient } from './connection';
import { DEFAULT_KEY_PREFIX, HostKeys, frontKey, hostKeys, hostsKey } from './keys';
import { ADMIT_CHUNK, ADMIT_LUA, LASTS_LUA, RECORD_LUA, RECORD_REPLY, WINDOWS_LUA } from './scripts';
import { RecordBatcher } from './record-batcher';
import { ALWAYS, RecordWrite, readNewestSamples, readWindows, sendRecordCalls } from './script-calls';
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
    servertrackAdmit(...keysAndArgs: string[]): Result<(number | string)[], Context>;
  }
}

/**
 * Hosts whose newest sample is read per round trip. Each chunk must finish within the
 * command timeout, and memory for pending replies stays bounded whatever the fleet size.
 */
const BATCH_CHUNK = 1_000;
/** Host parts per round trip of a bulk write, and samples at most in them: each round trip stays a few ms of Redis time. */
const WRITE_CHUNK_HOSTS = 1_000;
const WRITE_CHUNK_SAMPLES = 10_000;
/** Samples of one host per part: a host with a huge share of a request still gets Redis back between calls. */
const SAMPLES_PER_PART = 1_000;

interface RedisStoreOptions {
  client: RedisClient;
  keyPrefix?: string; // DEFAULT_KEY_PREFIX when absent
  commandTimeoutMs?: number; // DEFAULT_COMMAND_TIMEOUT_MS when absent: the most any store call may take
  maxHosts?: number; // DEFAULT_MAX_HOSTS when absent: the cap of store.ts, shared by every process on this Redis
}

/** One host's part of a bulk write: some of its samples, in the order they are to be added. */
interface HostPart {
  host: string;
  samples: Sample[];
}

/** The hosts-set score of a host whose newest sample is at `timeSec` (see keys.ts). */
function hourScore(timeSec: number): string {
  return String(bucketStart(timeSec, LONGEST.bucketSeconds));
}

export class RedisStore implements Store {
  readonly maxHosts: number;
  private readonly client: RedisClient;
  private readonly prefix: string;
  private readonly hostsKey: string;
  private readonly calls: BoundedCalls;
  private readonly batcher: RecordBatcher;

  constructor(options: RedisStoreOptions) {
    this.client = options.client;
    this.prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.hostsKey = hostsKey(this.prefix);
    this.calls = new BoundedCalls(this.client, options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS);
    this.maxHosts = options.maxHosts ?? DEFAULT_MAX_HOSTS;
    this.batcher = new RecordBatcher(this.client);
    // defineCommand is idempotent per client; several stores may share one connection.
    this.client.defineCommand('servertrackRecord', { lua: RECORD_LUA });
    this.client.defineCommand('servertrackAdmit', { numberOfKeys: 1, lua: ADMIT_LUA });
    this.client.defineCommand('servertrackLasts', { lua: LASTS_LUA });
    this.client.defineCommand('servertrackWindows', { lua: WINDOWS_LUA });
  }

  /**
   * Known host: the record script alone (it writes nothing for a host it does not know),
   * grouped with the tick's other writes; its hosts-set score is raised only when its newest
   * sample enters a later hour. Unknown host: admit (cap), then record.
   */
  record(host: string, sample: Sample, nowSec: number): Promise<RecordOutcome> {
    return this.bounded(async () => {
      const write: RecordWrite = { keys: this.keysOf(host), samples: encodeSamples(nowSec, [sample]), sampleCount: 1 };
      let reply = await this.batcher.recordIfKnown(write);
      if (reply === RECORD_REPLY.notWritten) {
        if (!(await this.admit(new Map([[host, sample.timeSec]]), nowSec))) return 'full';
        [reply] = await Promise.all(sendRecordCalls(this.client, [write], ALWAYS));
      }
      if (reply === RECORD_REPLY.writtenNewHour) await this.client.zadd(this.hostsKey, 'XX', 'GT', hourScore(sample.timeSec), host);
      return 'recorded';
    });
  }

  /**
   * All or nothing under the cap: which hosts are unknown is read first (BATCH_CHUNK hosts
   * per round trip), they are admitted together (see admit()), and only then is anything
   * written: each host's samples in one script call (in request order), pipelined in
   * chunks so each round trip fits the command timeout. Redis cannot make writes spread
   * over cluster slots atomic, so a batch that fails part-way (503) may have been partly
   * recorded; it is never reported accepted.
   */
  async recordBatch(entries: readonly HostSample[], nowSec: number): Promise<RecordOutcome> {
    const byHost = samplesByHost(entries);
    const hosts = [...byHost.keys()];
    const lasts = await this.readLasts(hosts);
    const unknown = new Map<string, number>();
    hosts.forEach((host, i) => {
      const last = lasts[i];
      if (last === undefined || isExpired(last.timeSec, nowSec)) unknown.set(host, newestSec(byHost.get(host) as Sample[]));
    });
    if (unknown.size > 0 && !(await this.admit(unknown, nowSec))) return 'full';
    for (const chunk of writeChunks(byHost)) await this.bounded(() => this.writeAll(chunk, nowSec));
    return 'recorded';
  }

  /**
   * The chunk's host parts in as few script calls as their slots allow, one pipeline per
   * node (script-calls.ts). Hosts whose newest sample entered a later hour then get their
   * hosts-set score raised, all in one ZADD.
   */
  private async writeAll(parts: readonly HostPart[], nowSec: number): Promise<void> {
    const writes = parts.map(({ host, samples }) => ({
      keys: this.keysOf(host),
      samples: encodeSamples(nowSec, samples),
      sampleCount: samples.length,
    }));
    const replies = await Promise.all(sendRecordCalls(this.client, writes, ALWAYS));
    const scores: string[] = [];
    replies.forEach((reply, i) => {
      if (reply === RECORD_REPLY.writtenNewHour) scores.push(hourScore(newestSec(parts[i].samples)), parts[i].host);
    });
    if (scores.length > 0) await this.client.zadd(this.hostsKey, 'XX', 'GT', ...scores);
  }

  /** The newest sample of each host, in the order given, read BATCH_CHUNK hosts at a time, each chunk within the timeout. */
  private async readLasts(hosts: readonly string[]): Promise<(LastSample | undefined)[]> {
    const lasts: (LastSample | undefined)[] = [];
    for (let from = 0; from < hosts.length; from += BATCH_CHUNK) {
      const keys = hosts.slice(from, from + BATCH_CHUNK).map((host) => frontKey(this.prefix, host));
      const chunk = await this.bounded(() => readNewestSamples(this.client, keys));
      for (const bytes of chunk) lasts.push(decodeLast(bytes));
    }
    return lasts;
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
        for (const [host, newestSec] of hosts.slice(from, from + ADMIT_CHUNK)) args.push(hourScore(newestSec), host);
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
      const [{ front, rings }] = await readWindows(this.client, [this.keysOf(host)], ringsEnd(mode));
      const last = decodeFrontLast(front);
      if (last === undefined || isExpired(last.timeSec, nowSec)) return undefined;
      return decodeWindow(ringOf(front, rings, mode), RESOLUTIONS[mode], nowSec);
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
      const keys = this.keysOf(host);
      await this.client.del(keys.front, keys.rings);
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

  private keysOf(host: string): HostKeys {
    return hostKeys(this.prefix, host);
  }

  /** Runs `work` within the command timeout; see bounded-calls.ts. */
  private bounded<T>(work: () => Promise<T>): Promise<T> {
    return this.calls.run(work);
  }
}

/** The samples of each host, in request order, hosts in order of first appearance. */
function samplesByHost(entries: readonly HostSample[]): Map<string, Sample[]> {
  const byHost = new Map<string, Sample[]>();
  for (const { host, sample } of entries) {
    const samples = byHost.get(host);
    if (samples === undefined) byHost.set(host, [sample]);
    else samples.push(sample);
  }
  return byHost;
}

function newestSec(samples: readonly Sample[]): number {
  let newest = Number.NEGATIVE_INFINITY;
  for (const { timeSec } of samples) if (timeSec > newest) newest = timeSec;
  return newest;
}

/**
 * The host parts of a batch, grouped into round trips: a host's samples go in parts of at
 * most SAMPLES_PER_PART, and a round trip takes at most WRITE_CHUNK_HOSTS parts and
 * WRITE_CHUNK_SAMPLES samples. A host's parts stay in order (within a round trip, in one
 * slot's calls, in order), and each round trip waits for the one before it, so its sums
 * add up in request order.
 */
function* writeChunks(byHost: Map<string, Sample[]>): Generator<HostPart[]> {
  let chunk: HostPart[] = [];
  let chunkSamples = 0;
  for (const [host, samples] of byHost) {
    for (let from = 0; from < samples.length; from += SAMPLES_PER_PART) {
      const part = samples.slice(from, from + SAMPLES_PER_PART);
      if (chunk.length === WRITE_CHUNK_HOSTS || chunkSamples + part.length > WRITE_CHUNK_SAMPLES) {
        yield chunk;
        chunk = [];
        chunkSamples = 0;
      }
      chunk.push({ host, samples: part });
      chunkSamples += part.length;
    }
  }
  if (chunk.length > 0) yield chunk;
}
