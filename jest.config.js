/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Browser tests need Chromium; they run with `npm run test:browser` (jest.browser.config.js).
  // The Redis tests (test/redis/, test/store/redis/) need redis-server; they run with `npm run test:redis` (jest.redis.config.js).
  // The doc examples (and the other process tests) run dist/server.js: build it once per run.
  globalSetup: '<rootDir>/test/helpers/build-once.ts',
  // The systemd unit check needs systemd-analyze; it runs with `npm run test:deploy` (jest.deploy.config.js).
  testPathIgnorePatterns: [
    '/node_modules/',
    '\\.browser\\.test\\.ts$',
    '<rootDir>/test/redis/',
    '<rootDir>/test/store/redis/',
    '<rootDir>/test/deploy/',
  ],
};
