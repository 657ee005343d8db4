/*
 * What Redis itself spent on a load, read from each node before and after it:
 *
 *   command time   INFO commandstats, usec summed over the commands ServerTrack sent: the
 *                  scripts (EVALSHA/EVAL, which include every redis.call they make) and the
 *                  commands sent directly. Redis also counts each redis.call under its own
 *                  name, so commands a script calls are left out (they are inside the
 *                  script's time already); a command sent both ways is left out too, which
 *                  makes the figure a lower bound.
 *   CPU            INFO cpu, used_cpu_user + used_cpu_sys of the redis-server process: the
 *                  commands plus reading requests and writing replies (the network side).
 *
 * CONFIG RESETSTAT zeroes the command counters; CPU is cumulative, so it is differenced.
 *
 * And what Redis sent for a read (RedisBytesMeter): INFO stats total_net_output_bytes, the
 * bytes written to every client, before and after. Redis counts a reply once it is written,
 * after the command that made it ran, so the difference also holds the reply to the first
 * INFO; that reply is measured with nothing in between and taken off.
 */
import Redis from 'ioredis';
import * as scripts from '../../src/store/redis/scripts';

const US_PER_SEC = 1e6;

/** Commands the Lua scripts call, by Redis's lower-case commandstats name. */
const SCRIPT_INNER_COMMANDS = new Set(
  Object.values(scripts)
    .filter((value): value is string => typeof value === 'string')
    .flatMap((source) => [...source.matchAll(/redis\.call\('([A-Za-z]+)'/g)].map((m) => m[1].toLowerCase())),
);

export interface NodeCost {
  commandUs: number;
  cpuUs: number;
}

function cpuUs(info: string): number {
  const field = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return (field('used_cpu_user') + field('used_cpu_sys')) * US_PER_SEC;
}

function commandUs(info: string): number {
  let total = 0;
  for (const [, name, usec] of info.matchAll(/^cmdstat_([^:]+):calls=\d+,usec=(\d+)/gm)) {
    if (SCRIPT_INNER_COMMANDS.has(name) || name.startsWith('config') || name === 'info') continue;
    total += Number(usec);
  }
  return total;
}

/** Connections to every node of a Redis (one for standalone, each master of a cluster), for INFO and CONFIG. */
export class RedisCostMeter {
  private readonly nodes: Redis[];
  private cpuAtStartUs: number[] = [];

  constructor(ports: readonly number[]) {
    this.nodes = ports.map((port) => new Redis({ host: '127.0.0.1', port, lazyConnect: false }));
  }

  async start(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.config('RESETSTAT')));
    this.cpuAtStartUs = await Promise.all(this.nodes.map(async (node) => cpuUs(await node.info('cpu'))));
  }

  /** What each node spent since start(), in node order. */
  async stop(): Promise<NodeCost[]> {
    return Promise.all(
      this.nodes.map(async (node, i) => {
        const info = await node.info('all');
        return { commandUs: commandUs(info), cpuUs: cpuUs(info) - this.cpuAtStartUs[i] };
      }),
    );
  }

  close(): void {
    for (const node of this.nodes) node.disconnect();
  }
}

function netOutputBytes(info: string): number {
  return Number(/^total_net_output_bytes:(\d+)/m.exec(info)?.[1] ?? NaN);
}

/** Bytes one standalone Redis sent to its clients during a piece of work, not counting the meter's own INFO replies. */
export class RedisBytesMeter {
  private readonly node: Redis;
  private infoReplyBytes = 0;

  constructor(port: number) {
    this.node = new Redis({ host: '127.0.0.1', port, lazyConnect: false });
  }

  /** Measures what one INFO stats reply adds to the counter (the median of a few, as its digits vary). */
  async calibrate(times = 9): Promise<void> {
    const deltas: number[] = [];
    for (let i = 0; i < times; i++) {
      const before = netOutputBytes(await this.node.info('stats'));
      deltas.push(netOutputBytes(await this.node.info('stats')) - before);
    }
    deltas.sort((a, b) => a - b);
    this.infoReplyBytes = deltas[deltas.length >> 1];
  }

  /** Runs `work` and answers its result with the bytes Redis sent meanwhile. */
  async measure<T>(work: () => Promise<T>): Promise<{ result: T; bytes: number }> {
    const before = netOutputBytes(await this.node.info('stats'));
    const result = await work();
    const after = netOutputBytes(await this.node.info('stats'));
    return { result, bytes: after - before - this.infoReplyBytes };
  }

  close(): void {
    this.node.disconnect();
  }
}
