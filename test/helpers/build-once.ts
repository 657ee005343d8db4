/*
 * jest globalSetup: builds dist/ once for every test that starts the built server as a real
 * process, instead of each test file compiling it again.
 */
import { buildServer } from './server-process';

export default function buildOnce(): void {
  buildServer();
  // Test workers inherit this, so buildServer() in a test file does not build again mid-run.
  process.env.SERVERTRACK_DIST_BUILT = '1';
}
