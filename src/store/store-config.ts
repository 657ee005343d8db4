/*
 * Which store to run on and how to reach Redis, plus how many worker processes may share
 * the port. Part of Config (config.ts); checked once at start-up like every other setting.
 */
import { DEFAULT_COMMAND_TIMEOUT_MS, DEFAULT_REDIS_URL, parseClusterNodes } from './redis/connection';
import { DEFAULT_KEY_PREFIX } from './redis/keys';

type StoreKind = 'memory' | 'redis';

export interface StoreConfig {
  kind: StoreKind; // SERVERTRACK_STORE, default memory
  redisUrl: string; // REDIS_URL, default redis://127.0.0.1:6379 (standalone Redis)
  redisClusterNodes: string[]; // REDIS_CLUSTER_NODES, default none: comma-separated host:port seeds of a Redis Cluster
  redisKeyPrefix: string; // REDIS_KEY_PREFIX, default servertrack: (so one Redis can hold other data too)
  redisCommandTimeoutMs: number; // REDIS_COMMAND_TIMEOUT_MS, default 1000: longest a request waits for Redis before 503
}

type Env = Record<string, string | undefined>;

function isSet(raw: string | undefined): raw is string {
  return raw !== undefined && raw !== '';
}

function redisUrlSetting(env: Env): string {
  if (!isSet(env.REDIS_URL)) return DEFAULT_REDIS_URL;
  let protocol = '';
  try {
    protocol = new URL(env.REDIS_URL).protocol;
  } catch {
    // reported below
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    // Not echoed: a URL may carry a password.
    throw new Error(`REDIS_URL must be a redis:// or rediss:// URL such as ${DEFAULT_REDIS_URL}`);
  }
  return env.REDIS_URL;
}

export function loadStoreConfig(
  env: Env,
  integerSetting: (name: string, fallback: number, min: number, max: number) => number,
): StoreConfig {
  const kind = isSet(env.SERVERTRACK_STORE) ? env.SERVERTRACK_STORE : 'memory';
  if (kind !== 'memory' && kind !== 'redis') throw new Error(`SERVERTRACK_STORE must be one of memory, redis, got '${kind}'`);
  const redisClusterNodes = isSet(env.REDIS_CLUSTER_NODES)
    ? parseClusterNodes(env.REDIS_CLUSTER_NODES).map((n) => `${n.host}:${n.port}`)
    : [];
  if (redisClusterNodes.length > 0 && isSet(env.REDIS_URL)) {
    throw new Error('set REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a Redis Cluster), not both');
  }
  if (kind === 'memory' && (isSet(env.REDIS_URL) || redisClusterNodes.length > 0)) {
    // Silently keeping data in memory when the operator meant Redis would lose it on restart.
    throw new Error(
      `${isSet(env.REDIS_URL) ? 'REDIS_URL' : 'REDIS_CLUSTER_NODES'} is set but SERVERTRACK_STORE is memory; set SERVERTRACK_STORE=redis`,
    );
  }
  const redisKeyPrefix = env.REDIS_KEY_PREFIX ?? DEFAULT_KEY_PREFIX;
  if (/[{}\s]/.test(redisKeyPrefix))
    throw new Error("REDIS_KEY_PREFIX must not contain '{', '}' or spaces (they would break the hash tags)");
  return {
    kind,
    redisUrl: redisUrlSetting(env),
    redisClusterNodes,
    redisKeyPrefix,
    redisCommandTimeoutMs: integerSetting('REDIS_COMMAND_TIMEOUT_MS', DEFAULT_COMMAND_TIMEOUT_MS, 10, 60_000),
  };
}

/** Checks SERVERTRACK_WORKERS against the store: several processes only make sense on a shared one. */
export function checkWorkers(workers: number, store: StoreConfig): number {
  if (workers > 1 && store.kind !== 'redis') {
    throw new Error(
      `SERVERTRACK_WORKERS=${workers} needs SERVERTRACK_STORE=redis: the in-memory store lives inside one process, ` +
        'so each worker would hold a different part of the data and answers would depend on which worker took the request',
    );
  }
  return workers;
}

/** The Redis URL with any password replaced, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = 'redacted';
    return parsed.toString();
  } catch {
    return 'unparseable';
  }
}
