// setupFiles entry of the "api on redis" project: the API suite's apps use a RedisStore.
process.env.SERVERTRACK_TEST_STORE = 'redis';
