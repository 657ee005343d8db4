/*
 * Builds dist/ once (the process tests run dist/server.js), then starts one redis-server and
 * one 3-node Redis Cluster for the whole test:redis run and hands their addresses to the
 * test workers through the environment.
 */
import buildOnce from '../helpers/build-once';
import { RedisServer, RedisTestCluster, startRedisCluster, startRedisServer } from '../helpers/redis-server';

declare global {
  // eslint-disable-next-line no-var
  var servertrackRedis: { server: RedisServer; cluster: RedisTestCluster } | undefined;
}

export default async function globalSetup(): Promise<void> {
  buildOnce();
  const [server, cluster] = await Promise.all([startRedisServer(), startRedisCluster()]);
  globalThis.servertrackRedis = { server, cluster };
  process.env.REDIS_TEST_URL = server.url;
  process.env.REDIS_TEST_CLUSTER_NODES = cluster.nodes;
}
