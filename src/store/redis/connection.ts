/*
 * Redis connections tuned to fail fast and heal by themselves: a request must learn within
 * a bounded time that Redis is gone (and answer 503), never wait in an unbounded queue,
 * and the connection must come back on its own when Redis does.
 *
 *   enableOfflineQueue false        while disconnected a command fails at once instead of queueing;
 *                                   a queued write could otherwise land long after its 503
 *   maxRetriesPerRequest 0          a command in flight when the link drops fails, is not resent
 *   commandTimeout                  a slow Redis fails the command after this many ms
 *   retryStrategy                   reconnect for ever, backing off to RECONNECT_MAX_DELAY_MS
 */
import Redis, { Cluster, RedisOptions } from 'ioredis';

export type RedisClient = Redis | Cluster;

/** A standalone Redis on this machine, its default port (REDIS_URL). */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** The most one command may take before it fails and the request answers 503 (REDIS_COMMAND_TIMEOUT_MS). */
export const DEFAULT_COMMAND_TIMEOUT_MS = 1000;

const RECONNECT_MAX_DELAY_MS = 1000;
const RECONNECT_STEP_MS = 100;

interface RedisConnectionOptions {
  url?: string; // standalone: redis://[user:password@]host:port[/db]
  clusterNodes?: string[]; // cluster seeds as host:port; wins over url
  commandTimeoutMs: number;
}

function reconnectDelayMs(attempt: number): number {
  return Math.min(attempt * RECONNECT_STEP_MS, RECONNECT_MAX_DELAY_MS);
}

function nodeOptions(commandTimeoutMs: number): RedisOptions {
  return {
    commandTimeout: commandTimeoutMs,
    connectTimeout: Math.max(commandTimeoutMs, 1000),
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
  };
}

/** Parses 'host:port' seeds; throws naming the bad one. */
export function parseClusterNodes(raw: string): { host: string; port: number }[] {
  return raw.split(',').map((seed) => {
    const match = /^\s*([^\s:]+):(\d{1,5})\s*$/.exec(seed);
    const port = match ? Number(match[2]) : NaN;
    if (!match || port < 1 || port > 65535) throw new Error(`REDIS_CLUSTER_NODES must be comma-separated host:port, got '${seed}'`);
    return { host: match[1], port };
  });
}

export function connectRedis(options: RedisConnectionOptions): RedisClient {
  if (options.clusterNodes !== undefined && options.clusterNodes.length > 0) {
    return new Cluster(parseClusterNodes(options.clusterNodes.join(',')), {
      enableOfflineQueue: false,
      // Commands for one node sent in the same tick share a round trip; that is what lets a
      // host listing fetch every host's newest sample from every shard at once.
      enableAutoPipelining: true,
      clusterRetryStrategy: reconnectDelayMs,
      // After a failover or a restart, rediscover the slots instead of giving up.
      retryDelayOnClusterDown: RECONNECT_STEP_MS,
      maxRedirections: 4,
      slotsRefreshTimeout: Math.max(options.commandTimeoutMs, 1000),
      redisOptions: nodeOptions(options.commandTimeoutMs),
    });
  }
  return new Redis(options.url ?? DEFAULT_REDIS_URL, {
    ...nodeOptions(options.commandTimeoutMs),
    enableOfflineQueue: false,
    enableAutoPipelining: true,
    retryStrategy: reconnectDelayMs,
  });
}
