/*
 * The store the API suite runs against, chosen by SERVERTRACK_TEST_STORE:
 *
 *   memory (default)  a fresh HostStore per app; needs nothing
 *   redis             a RedisStore on the redis-server of REDIS_TEST_URL
 *   redis-cluster     a RedisStore on the 3-node cluster of REDIS_TEST_CLUSTER_NODES
 *
 * `npm run test:redis` starts those servers (test/redis/global-setup.ts). Each app gets its
 * own key prefix, so tests and parallel jest workers never see each other's hosts, and all
 * apps of one test file share one connection, opened before the first test.
 */
import { randomUUID } from 'node:crypto';
import { HostStore } from '../../src/store/host-store';
import { RedisStore } from '../../src/store/redis/redis-store';
import { RedisClient, connectRedis } from '../../src/store/redis/connection';
import { hostsKey } from '../../src/store/redis/keys';
import { Store } from '../../src/store/store';

export type TestStoreKind = 'memory' | 'redis' | 'redis-cluster';

export const TEST_STORE_KIND: TestStoreKind = parseKind(process.env.SERVERTRACK_TEST_STORE);

/** Generous: CI machines are shared, and these tests are about answers, not speed. */
export const TEST_COMMAND_TIMEOUT_MS = 5_000;

function parseKind(raw: string | undefined): TestStoreKind {
  if (raw === undefined || raw === '' || raw === 'memory') return 'memory';
  if (raw === 'redis' || raw === 'redis-cluster') return raw;
  throw new Error(`SERVERTRACK_TEST_STORE must be memory, redis or redis-cluster, got '${raw}'`);
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set: run the Redis tests with npm run test:redis`);
  return value;
}

/** A connection to the test Redis of `kind`, ready to take commands. */
export async function connectTestRedis(kind: Exclude<TestStoreKind, 'memory'>): Promise<RedisClient> {
  const client =
    kind === 'redis'
      ? connectRedis({ url: requiredEnv('REDIS_TEST_URL'), commandTimeoutMs: TEST_COMMAND_TIMEOUT_MS })
      : connectRedis({ clusterNodes: requiredEnv('REDIS_TEST_CLUSTER_NODES').split(','), commandTimeoutMs: TEST_COMMAND_TIMEOUT_MS });
  if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
  return client;
}

let shared: RedisClient | undefined;
let prefixes = 0;
// Jest reuses a worker process for several test files and reloads modules for each, so the pid and counter alone repeat.
const FILE_TAG = randomUUID().slice(0, 8);

if (TEST_STORE_KIND !== 'memory') {
  beforeAll(async () => {
    shared = await connectTestRedis(TEST_STORE_KIND);
  });
  afterAll(async () => {
    await shared?.quit();
    shared = undefined;
  });
}

/** A key prefix no other test or process uses. */
export function uniquePrefix(): string {
  return `test:${FILE_TAG}:${++prefixes}:`;
}

/** The key prefix of each Redis store testStore() made, to look at its keys. */
const prefixOf = new WeakMap<Store, string>();

export function testStore(maxHosts?: number): Store {
  if (TEST_STORE_KIND === 'memory') return new HostStore({ maxHosts });
  if (shared === undefined) throw new Error('the test Redis connection is not open yet: build apps inside tests or hooks');
  const keyPrefix = uniquePrefix();
  const store = new RedisStore({ client: shared, maxHosts, keyPrefix, commandTimeoutMs: TEST_COMMAND_TIMEOUT_MS });
  prefixOf.set(store, keyPrefix);
  return store;
}

/** Hosts the store still holds (expired or not), whichever store it is: HostStore.size, or the Redis hosts set (trimmed or not). */
export async function storedHostCount(store: Store): Promise<number> {
  if (store instanceof HostStore) return store.size;
  const prefix = prefixOf.get(store);
  if (prefix !== undefined && shared !== undefined) return shared.zcard(hostsKey(prefix));
  throw new Error('unknown store type');
}
