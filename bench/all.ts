/*
 * npm run bench: every scenario in turn, each in its own process so one's heap and JIT
 * state never colour the next. Cheap in-process scenarios first, HTTP ones after.
 */
import { execFileSync } from 'node:child_process';
import { tsNodeArgs } from './lib/cores';
import { describeMachine, log } from './lib/report';
import { ROOT_DIR } from './lib/server-process';

export const SCENARIOS = ['store', 'report-cost', 'memory', 'http-ingest', 'bulk-ingest', 'reports'];

log(`machine: ${describeMachine()}`);
for (const scenario of SCENARIOS) {
  log(`--- ${scenario}`);
  execFileSync(process.execPath, tsNodeArgs(`bench/${scenario}.bench.ts`), { cwd: ROOT_DIR, stdio: 'inherit' });
}
