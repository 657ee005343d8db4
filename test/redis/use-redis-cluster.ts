// setupFiles entry of the "api on redis cluster" project: the API suite's apps use a RedisStore on the cluster.
process.env.SERVERTRACK_TEST_STORE = 'redis-cluster';
