/**
 * npm run test:redis: the whole API suite against a real redis-server and against a real
 * 3-node Redis Cluster (the same test files as npm test, with the store swapped by
 * SERVERTRACK_TEST_STORE), plus the Redis-only tests in test/redis/ and test/store/redis/. global-setup.ts
 * starts the servers on free ports and stops them at the end.
 * @type {import('jest').Config}
 */
const api = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['<rootDir>/test/http/**/*.api.test.ts'],
};

module.exports = {
  globalSetup: '<rootDir>/test/redis/global-setup.ts',
  globalTeardown: '<rootDir>/test/redis/global-teardown.ts',
  projects: [
    { ...api, displayName: 'api on redis', setupFiles: ['<rootDir>/test/redis/use-redis.ts'] },
    { ...api, displayName: 'api on redis cluster', setupFiles: ['<rootDir>/test/redis/use-redis-cluster.ts'] },
    {
      preset: 'ts-jest',
      testEnvironment: 'node',
      displayName: 'redis',
      roots: ['<rootDir>/test/redis', '<rootDir>/test/store/redis'],
      testMatch: ['**/*.test.ts'],
    },
  ],
};
