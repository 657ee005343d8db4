/** `npm run test:deploy`: deploy/ checked by the real tools (systemd-analyze, from Debian's systemd package). */
/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/deploy'],
  testMatch: ['**/*.test.ts'],
};
