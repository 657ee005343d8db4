/*
 * jest globalSetup: builds dist/ once for every test that starts the built server as a real
 * process, instead of each test file compiling it again.
 */
import { buildServer } from './server-process';

export default function buildOnce(): void {
  buildServer();
  // Test workers inherit this, so buildServer() in a test file does not build again mid-run;
  // SERVERTRACK_TEST_ names are the runner's own, which startServerProcess keeps from the server.
  process.env.SERVERTRACK_TEST_DIST_BUILT = '1';
}
