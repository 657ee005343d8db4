/*
 * Builds the store the config asks for. The in-memory store needs a sweeper; the Redis
 * store needs a connection, logs when Redis goes away and comes back (once per change,
 * not once per reconnect attempt), and a clean quit on shutdown.
 */
import { Logger } from './logger';
import { HostStore } from './store/host-store';
import { RedisStore } from './store/redis-store';
import { connectRedis } from './store/redis/connection';
import { Store } from './store/store';
import { Clock } from './store/time';
import { StoreConfig } from './store-config';

export interface OpenedStore {
  store: Store;
  /** The in-memory store, for what only it needs: the sweeper and snapshots (Redis keys expire by themselves). */
  memory?: HostStore;
  close(): Promise<void>;
}

export function openStore(config: StoreConfig, clock: Clock, logger: Logger, maxHosts: number): OpenedStore {
  if (config.kind === 'memory') {
    const store = new HostStore({ clock, maxHosts });
    return { store, memory: store, close: async () => undefined };
  }
  const client = connectRedis({
    url: config.redisUrl,
    clusterNodes: config.redisClusterNodes,
    commandTimeoutMs: config.redisCommandTimeoutMs,
  });
  let down = true;
  client.on('ready', () => {
    down = false;
    logger.info('redis ready');
  });
  // ioredis emits an error per failed reconnect; one line per outage is what an operator wants.
  client.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger.warn({ err }, 'redis unavailable: requests that need it answer 503 until it returns');
  });
  const store = new RedisStore({ client, clock, maxHosts, keyPrefix: config.redisKeyPrefix, commandTimeoutMs: config.redisCommandTimeoutMs });
  return {
    store,
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
