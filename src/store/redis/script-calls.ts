/*
 * Script calls that carry many hosts. Calling a script costs Redis more than one host's
 * work inside it, so hosts handled together share calls: on one Redis any hosts may share
 * a call; on a cluster a script may only touch keys of one hash slot, so hosts share a call
 * only with hosts of their slot. The calls of one send go in one pipeline per Redis node,
 * one round trip each. (Not auto-pipelining: it routes a command by its first argument,
 * which for a script of many keys is the key count, so on a cluster it would mix nodes.)
 */
import calculateSlot from 'cluster-key-slot';
import { ChainableCommander, Cluster, Result } from 'ioredis';
import { RedisClient } from './connection';
import { HostKeys } from './keys';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    servertrackRecord(keyCount: number, ...keysAndArgs: (string | Buffer)[]): Result<number[], Context>;
    servertrackLastsBuffer(keyCount: number, ...keys: string[]): Result<Buffer[], Context>;
    servertrackWindowsBuffer(keyCount: number, ...keysAndArgs: string[]): Result<Buffer[], Context>;
  }
}

/** One host's part of a record call: its keys and its samples, encoded (codec.ts encodeSamples). */
export interface RecordWrite {
  keys: HostKeys;
  samples: Buffer;
  sampleCount: number;
}

/** A host's front and its rings through the end of one ring, as the windows script reads them. */
export interface HostWindow {
  front: Buffer;
  rings: Buffer;
}

/**
 * At most this many hosts, and this many samples, per record call: Redis runs nothing else
 * while a script runs, so one call stays around a millisecond of its time.
 */
export const HOSTS_PER_CALL = 200;
export const SAMPLES_PER_CALL = 1_000;
/** Hosts per call of the lasts script, which reads a few bytes of each. */
export const LASTS_PER_CALL = 1_000;
/** Hosts per call of the windows script, which reads up to 8 KB of each. */
export const WINDOWS_PER_CALL = 100;

/** The record script's first argument: write a host only if it is live, or write it in any case. */
export const ONLY_IF_KNOWN = '1';
export const ALWAYS = '0';

/**
 * Keys split into script calls, as lists of their indexes: grouped by slot when `slotOf` is
 * given, in the order given within a group (so a host's writes run in order), at most
 * `maxKeys` keys and `weights.max` of their weights per call (a key heavier than that alone).
 */
export function planCalls(
  keys: readonly string[],
  slotOf: ((key: string) => number) | undefined,
  maxKeys: number,
  weights?: { of: readonly number[]; max: number },
): number[][] {
  const groups = new Map<number, number[]>();
  keys.forEach((key, i) => {
    const slot = slotOf === undefined ? 0 : slotOf(key);
    const group = groups.get(slot);
    if (group === undefined) groups.set(slot, [i]);
    else group.push(i);
  });
  const calls: number[][] = [];
  for (const group of groups.values()) {
    let call: number[] = [];
    let weight = 0;
    for (const i of group) {
      const w = weights === undefined ? 0 : weights.of[i];
      if (call.length > 0 && (call.length === maxKeys || (weights !== undefined && weight + w > weights.max))) {
        calls.push(call);
        call = [];
        weight = 0;
      }
      call.push(i);
      weight += w;
    }
    calls.push(call);
  }
  return calls;
}

/** How to group keys for `client`: by hash slot on a cluster, not at all on one Redis. */
export function slotRule(client: RedisClient): ((key: string) => number) | undefined {
  return client instanceof Cluster ? calculateSlot : undefined;
}

/**
 * Sends `writes` in as few record calls as their slots allow, one pipeline per node. One
 * promise per write, in order, settled by its own call: when one call fails (a cluster node
 * away), the writes in the others still learn they were recorded.
 */
export function sendRecordCalls(client: RedisClient, writes: readonly RecordWrite[], mode: string): Promise<number>[] {
  return callPerKey<number[], number>(
    client,
    writes.map((w) => w.keys.front),
    { maxKeys: HOSTS_PER_CALL, weights: { of: writes.map((w) => w.sampleCount), max: SAMPLES_PER_CALL } },
    (pipeline, call) => {
      const args: (string | Buffer)[] = call.flatMap((i) => [writes[i].keys.front, writes[i].keys.rings]);
      args.push(mode);
      for (const i of call) args.push(writes[i].samples);
      pipeline.servertrackRecord(2 * call.length, ...args);
    },
    (perHost, k) => perHost[k],
  );
}

/** The last bytes of each front (its host's newest sample, codec.ts), in order, through the lasts script, one pipeline per node. */
export function readNewestSamples(client: RedisClient, keys: readonly string[]): Promise<Buffer[]> {
  return Promise.all(
    callPerKey<Buffer[], Buffer>(
      client,
      keys,
      { maxKeys: LASTS_PER_CALL },
      (pipeline, call) => pipeline.servertrackLastsBuffer(call.length, ...call.map((i) => keys[i])),
      (lasts, k) => lasts[k],
    ),
  );
}

/**
 * Each host's front and its rings through `ringsEnd` (codec.ts), in order, read together
 * (the windows script), one pipeline per node.
 */
export function readWindows(client: RedisClient, hosts: readonly HostKeys[], ringsEnd: number): Promise<HostWindow[]> {
  return Promise.all(
    callPerKey<Buffer[], HostWindow>(
      client,
      hosts.map((keys) => keys.front),
      { maxKeys: WINDOWS_PER_CALL },
      (pipeline, call) =>
        pipeline.servertrackWindowsBuffer(2 * call.length, ...call.flatMap((i) => [hosts[i].front, hosts[i].rings]), String(ringsEnd)),
      (bytes, k) => ({ front: bytes[2 * k], rings: bytes[2 * k + 1] }),
    ),
  );
}

/**
 * One script call per group planCalls makes of `keys` for `client` (queued by `queue`, one
 * pipeline per node), and one promise per key, in order, settled by its own call: `pick`
 * takes the key's part, the k-th of its call, out of the call's reply.
 */
function callPerKey<R, T>(
  client: RedisClient,
  keys: readonly string[],
  limits: { maxKeys: number; weights?: { of: readonly number[]; max: number } },
  queue: (pipeline: ChainableCommander, call: readonly number[]) => void,
  pick: (reply: R, k: number) => T,
): Promise<T>[] {
  const calls = planCalls(keys, slotRule(client), limits.maxKeys, limits.weights);
  const replies = sendPerNode<R>(
    client,
    calls.map((call) => ({ key: keys[call[0]], queue: (pipeline) => queue(pipeline, call) })),
  );
  const perKey = new Array<Promise<T>>(keys.length);
  calls.forEach((call, c) => call.forEach((i, k) => (perKey[i] = replies[c].then((reply) => pick(reply, k)))));
  return perKey;
}

/** A command to send, and a key of it (every key of one command is in one slot). */
interface Routed {
  key: string;
  queue: (pipeline: ChainableCommander) => void;
}

/**
 * Queues the commands in one pipeline per node that serves their slots (one pipeline on one
 * Redis; per slot while a cluster has not learnt its slots yet) and runs them all now. One
 * promise per command, settled by its own reply.
 */
function sendPerNode<T>(client: RedisClient, commands: readonly Routed[]): Promise<T>[] {
  const slots = client instanceof Cluster ? client.slots : undefined;
  const pipelines = new Map<string, { pipeline: ChainableCommander; members: number[] }>();
  commands.forEach((command, i) => {
    let node = '';
    if (slots !== undefined) {
      const slot = calculateSlot(command.key);
      node = slots[slot]?.join(',') ?? `slot ${slot}`;
    }
    let group = pipelines.get(node);
    if (group === undefined) pipelines.set(node, (group = { pipeline: client.pipeline(), members: [] }));
    command.queue(group.pipeline);
    group.members.push(i);
  });
  const replies = new Array<Promise<T>>(commands.length);
  for (const { pipeline, members } of pipelines.values()) {
    const results = pipeline.exec();
    members.forEach((i, k) => {
      replies[i] = results.then((all) => {
        const [err, reply] = all?.[k] ?? [new Error('the pipeline was discarded'), undefined];
        if (err) throw err;
        return reply as T;
      });
    });
  }
  return replies;
}
