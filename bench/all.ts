/*
 * npm run bench: every scenario in turn, each in its own process so one's heap and JIT
 * state never colour the next (cheap in-process scenarios first, HTTP ones after), then
 * docs/benchmarks.md written from what they recorded. A scenario that fails (on a busy
 * machine a load can time out) is named as failed on the page, the others still run, and
 * the run exits 1.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CAN_PIN, tsNodeArgs } from './lib/cores';
import { chooseLoadTool } from './lib/load';
import { RunInfo, ScenarioResult, headerComment, renderBenchmarksPage } from './lib/benchmarks-page';
import { ReportEntry, describeMachine, log } from './lib/report';
import { CONNECTIONS, DURATION_SEC, QUICK, ROUNDS, WARMUP_SEC } from './lib/rounds';
import { ROOT_DIR } from './lib/server-process';

export const SCENARIOS = [
  'store',
  'report-cost',
  'metrics-hosts',
  'memory',
  'security-headers',
  'http-ingest',
  'bulk-ingest',
  'agents',
  'reports',
  'fleet',
  'redis-fleet',
];
const PAGE = path.join(ROOT_DIR, 'docs', 'benchmarks.md');
const MS_PER_MINUTE = 60_000;

const loadAverage = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

export function runScenario(name: string, reportDir: string): ScenarioResult {
  const reportFile = path.join(reportDir, `${name}.jsonl`);
  writeFileSync(reportFile, '');
  let failure: string | undefined;
  try {
    execFileSync(process.execPath, tsNodeArgs(`bench/${name}.bench.ts`), {
      cwd: ROOT_DIR,
      stdio: 'inherit',
      env: { ...process.env, BENCH_REPORT_FILE: reportFile },
    });
  } catch (err) {
    failure = `\`npm run bench:${name}\` failed (${(err as { status?: number }).status ?? 'killed'}); its error is in the output of the run.`;
  }
  const entries = readFileSync(reportFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ReportEntry);
  if (!failure && !entries.some((e) => e.kind === 'table')) failure = `${name} recorded no table.`;
  return { name, description: headerComment(readFileSync(path.join(ROOT_DIR, 'bench', `${name}.bench.ts`), 'utf8')), entries, failure };
}

function main(): void {
  const startedMs = Date.now();
  const loadAverageAtStart = loadAverage();
  log(`machine: ${describeMachine()}${QUICK ? '; BENCH_QUICK=1: a check run, not a measurement' : ''}`);
  const reportDir = mkdtempSync(path.join(os.tmpdir(), 'servertrack-bench-'));
  const results: ScenarioResult[] = [];
  try {
    for (const name of SCENARIOS) {
      log(`--- ${name}`);
      results.push(runScenario(name, reportDir));
    }
  } finally {
    rmSync(reportDir, { recursive: true, force: true });
  }
  const cpus = os.cpus();
  const run: RunInfo = {
    quick: QUICK,
    rounds: ROUNDS,
    durationSec: DURATION_SEC,
    warmupSec: WARMUP_SEC,
    connections: CONNECTIONS,
    loadTool: chooseLoadTool(),
    pinned: CAN_PIN,
    machine: `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}, node ${process.version}`,
    loadAverageAtStart,
    loadAverageAtEnd: loadAverage(),
    date: new Date().toISOString().slice(0, 10),
    minutes: Math.round((Date.now() - startedMs) / MS_PER_MINUTE),
  };
  writeFileSync(PAGE, renderBenchmarksPage(run, results));
  log(`wrote ${path.relative(ROOT_DIR, PAGE)} (${run.minutes} minutes)`);
  const failed = results.filter((r) => r.failure).map((r) => r.name);
  if (failed.length > 0) {
    log(`failed: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

if (require.main === module) main();
