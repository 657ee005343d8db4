/** Browser end-to-end tests (`npm run test:browser`): headless Debian Chromium driven by playwright-core. */
/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/browser'],
  testMatch: ['**/*.browser.test.ts'],
};
