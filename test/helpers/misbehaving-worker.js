/*
 * Preloaded into the server with NODE_OPTIONS=--require: makes node:cluster workers misbehave
 * the way a real fault would, with no test hook in the server itself. The primary loads it
 * too and ignores it.
 *   MISBEHAVE_DIE_AT_START=1,2   these worker ids exit 1 at once, before serving, so the
 *                                       primary restarts them only after its back-off
 *   MISBEHAVE_NEVER_EXIT=1       every worker ignores its own process.exit(), as a worker
 *                                       stuck in its shutdown would
 */
'use strict';
// A --require preload runs as plain CommonJS before any TypeScript, so require() it is.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cluster = require('node:cluster');

const KEEP_ALIVE_MS = 60_000;

if (cluster.isWorker) {
  const dying = (process.env.MISBEHAVE_DIE_AT_START ?? '').split(',');
  if (dying.includes(String(cluster.worker.id))) process.exit(1);
  if (process.env.MISBEHAVE_NEVER_EXIT === '1') {
    process.exit = () => undefined;
    setInterval(() => undefined, KEEP_ALIVE_MS); // nothing else may be left to keep it running
  }
}
