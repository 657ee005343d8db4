/*
 * memory: resident memory per host with 10,000 and 100,000 hosts whose every bucket is
 * live (one sample in each of the 60 seconds, 60 minutes and 24 hours). Each count runs in
 * a fresh process (this file, re-run with the count as argument), so the baseline is the
 * same process's RSS just before the hosts are created, after a full GC both times.
 */
import { execFileSync } from 'node:child_process';
import { describeMachine, log, printCommand, printTable } from './lib/report';
import { ROOT_DIR } from './lib/server-process';
import { ROUNDS } from './lib/rounds';
import { SERVER_CORE, pinned, tsNodeArgs } from './lib/cores';
import { formatNumber, median } from './lib/stats';
import { HostStore } from '../src/store/host-store';
import { SECONDS_PER_HOUR, SECONDS_PER_MINUTE } from '../src/store/time';

const HOST_COUNTS = [10_000, 100_000];
const NOW_SEC = 1_700_000_000 - (1_700_000_000 % SECONDS_PER_HOUR) + SECONDS_PER_HOUR - 1; // last second of an hour
const BYTES_PER_KB = 1_000;
const STORE_BYTES_PER_HOST = 144 * 56; // the ring layout: 144 slots of 56 bytes

interface Measured {
  baselineRssBytes: number;
  rssBytes: number;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Child side: fills `hostCount` hosts and prints RSS before and after. */
function measureChild(hostCount: number): void {
  const store = new HostStore();
  const samples = [
    ...Array.from({ length: 60 }, (_, i) => NOW_SEC - i),
    ...Array.from({ length: 60 }, (_, i) => NOW_SEC - i * SECONDS_PER_MINUTE),
    ...Array.from({ length: 24 }, (_, i) => NOW_SEC - i * SECONDS_PER_HOUR),
  ].map((timeSec) => ({ timeSec, cpuLoad: 25, memLoad: 50 }));
  const hosts = Array.from({ length: hostCount }, (_, i) => `host-${String(i).padStart(6, '0')}.example.com`);
  gc();
  const baselineRssBytes = process.memoryUsage.rss();
  for (const host of hosts) for (const sample of samples) store.record(host, sample, NOW_SEC);
  hosts.length = 0; // the store keeps its own keys
  gc();
  const rssBytes = process.memoryUsage.rss();
  if (store.size !== hostCount || store.report('host-000000.example.com', 'last_day', NOW_SEC)?.some((i) => i.samples === 0) !== false) {
    throw new Error('not every bucket is live');
  }
  process.stdout.write(JSON.stringify({ baselineRssBytes, rssBytes } satisfies Measured));
}

function measure(hostCount: number): Measured {
  const [command, args] = pinned(SERVER_CORE, process.execPath, ['--expose-gc', ...tsNodeArgs('bench/memory.bench.ts'), String(hostCount)]);
  return JSON.parse(execFileSync(command, args, { cwd: ROOT_DIR, encoding: 'utf8' })) as Measured;
}

function main(): void {
  const rows: string[][] = [];
  log(`memory: ${ROUNDS} fresh processes per host count`);
  for (const hostCount of HOST_COUNTS) {
    const runs = Array.from({ length: ROUNDS }, () => measure(hostCount));
    const perHost = median(runs.map((r) => (r.rssBytes - r.baselineRssBytes) / hostCount));
    rows.push([
      formatNumber(hostCount),
      formatNumber(median(runs.map((r) => r.baselineRssBytes)) / 2 ** 20, 1),
      formatNumber(median(runs.map((r) => r.rssBytes)) / 2 ** 20, 1),
      formatNumber(perHost / BYTES_PER_KB, 2),
      (perHost / STORE_BYTES_PER_HOST).toFixed(2) + 'x',
    ]);
  }
  printTable(
    `memory: RSS per host, every bucket live (median of ${ROUNDS} fresh processes)`,
    [
      'hosts',
      'RSS before (MiB, baseline)',
      'RSS after (MiB)',
      'KB per host (target <= 10 at 100,000)',
      `vs the ${formatNumber(STORE_BYTES_PER_HOST)} bytes of ring data`,
    ],
    rows,
  );
  console.log(`machine: ${describeMachine()}`);
  printCommand('npm run bench:memory');
}

if (process.argv[2] !== undefined) measureChild(Number(process.argv[2]));
else main();
