/*
 * Builds the store the config asks for. The in-memory store needs a sweeper; the Redis
 * store needs a connection, logs when Redis goes away and comes back (once per change,
 * not once per reconnect attempt), and a clean quit on shutdown.
 */
import { Logger } from '../logger';
import { HostStore } from './host-store';
import { RedisStore } from './redis/redis-store';
import { connectRedis } from './redis/connection';
import { Store } from './store';
import { StoreConfig } from './store-config';

interface OpenedStore {
  store: Store;
  /** The in-memory store, for what only it needs: the sweeper and snapshots (Redis keys expire by themselves). */
  memory?: HostStore;
  /** Resolves once the store can serve, or after READY_WAIT_MS; then requests get 503 until it can. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** How long start-up waits for Redis before listening anyway (and answering 503 until it is up). */
const READY_WAIT_MS = 5_000;

export function openStore(config: StoreConfig, logger: Logger, maxHosts: number): OpenedStore {
  if (config.kind === 'memory') {
    const store = new HostStore({ maxHosts });
    return { store, memory: store, ready: async () => undefined, close: async () => undefined };
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
  const store = new RedisStore({ client, maxHosts, keyPrefix: config.redisKeyPrefix, commandTimeoutMs: config.redisCommandTimeoutMs });
  return {
    store,
    // Listening before the connection is up would answer the first requests with 503s.
    ready: () =>
      new Promise<void>((resolve) => {
        if (client.status === 'ready') return resolve();
        const timer = setTimeout(() => {
          logger.warn({ waitedMs: READY_WAIT_MS }, 'redis not ready yet: listening anyway, requests that need it answer 503 until it is');
          resolve();
        }, READY_WAIT_MS);
        client.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      }),
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
