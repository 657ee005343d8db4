/*
 * Soak: the built server as a real process under sustained mixed load (single and bulk
 * POSTs over 50,000 hosts, reports, deletes, host listings) with snapshots on. Every 10 s
 * it prints requests served, unexpected answers and the server's RSS. It exits non-zero if
 * any answer was unexpected, if the server logged an error or did not stop cleanly, or if
 * RSS was not flat after warm-up: the highest sample more than 10% over the lowest.
 *
 *   npm run soak                        10 minutes (SOAK_DURATION_SEC or --duration to change)
 *   npm run soak -- --duration 60       the short run
 *   options: --duration s (600)  --hosts n (50000)  --workers n (16)  --warmup s (min(120, duration / 3))
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { startServerProcess } from '../../test/helpers/server-process';
import { TempFolder, tempFolder } from '../../test/helpers/snapshot-files';
import { httpClient } from './http-client';
import { OPERATIONS, Operation, pickOperation } from './operations';

const MS_PER_SECOND = 1000;
const REPORT_EVERY_SEC = 10;
const MAX_RSS_SPREAD = 0.1;
const PREFILL_BATCH = 5_000;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const raw = at >= 0 ? process.argv[at + 1] : name === 'duration' ? process.env.SOAK_DURATION_SEC : undefined;
  const value = raw === undefined ? fallback : Number(raw);
  if (!(Number.isInteger(value) && value > 0)) throw new Error(`--${name} must be a positive integer, got '${raw}'`);
  return value;
}

const DURATION_SEC = option('duration', 600);
const HOSTS = option('hosts', 50_000);
const WORKERS = option('workers', 16);
const WARMUP_SEC = option('warmup', Math.min(120, Math.floor(DURATION_SEC / 3)));

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

const hostName = (): string => `host-${Math.floor(Math.random() * HOSTS)}.soak`;
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

interface Tally {
  served: Map<string, number>;
  unexpected: string[];
  latenciesMs: number[]; // of the current reporting period
}

async function worker(op: () => Operation, send: ReturnType<typeof httpClient>, tally: Tally, untilMs: number): Promise<void> {
  while (performance.now() < untilMs) {
    const chosen = op();
    const startedMs = performance.now();
    try {
      const status = await chosen.run(send, hostName);
      if (!chosen.expected.includes(status)) tally.unexpected.push(`${chosen.name}: status ${status}`);
    } catch (err) {
      tally.unexpected.push(`${chosen.name}: ${(err as Error).message}`);
    }
    tally.latenciesMs.push(performance.now() - startedMs);
    tally.served.set(chosen.name, (tally.served.get(chosen.name) ?? 0) + 1);
  }
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const total = (tally: Tally): number => [...tally.served.values()].reduce((sum, n) => sum + n, 0);

async function main(): Promise<number> {
  const temp: TempFolder = tempFolder();
  const snapshotIntervalSec = Math.max(10, Math.min(60, Math.floor(DURATION_SEC / 5)));
  const server = await startServerProcess({
    SERVERTRACK_SNAPSHOT: temp.file('soak.snapshot'),
    SERVERTRACK_SNAPSHOT_INTERVAL: String(snapshotIntervalSec),
  });
  const pid = server.child.pid as number;
  const client = httpClient(server.baseUrl, WORKERS);
  console.log(
    `soak: ${DURATION_SEC} s, ${HOSTS} hosts, ${WORKERS} workers, warm-up ${WARMUP_SEC} s, snapshots every ${snapshotIntervalSec} s, server pid ${pid}`,
  );

  // Every host exists before the clock starts, so warm-up measures steady state, not growth.
  for (let first = 0; first < HOSTS; first += PREFILL_BATCH) {
    const lines = [];
    for (let h = first; h < Math.min(HOSTS, first + PREFILL_BATCH); h++)
      lines.push(JSON.stringify({ host: `host-${h}.soak`, cpuload: 1, memload: 1 }));
    const reply = await client.send('POST', '/perf', { type: 'application/x-ndjson', text: lines.join('\n') });
    if (reply.status !== 201) throw new Error(`prefill answered ${reply.status}`);
  }

  const tally: Tally = { served: new Map(), unexpected: [], latenciesMs: [] };
  const startedMs = performance.now();
  const workers = Array.from({ length: WORKERS }, () => worker(pickOperation, client, tally, startedMs + DURATION_SEC * MS_PER_SECOND));
  const rss: { atSec: number; bytes: number }[] = [];
  let lastServed = 0;
  const reporter = setInterval(() => {
    const atSec = Math.round((performance.now() - startedMs) / MS_PER_SECOND);
    const bytes = rssBytes(pid);
    rss.push({ atSec, bytes });
    const served = total(tally);
    const p99Ms = percentile(tally.latenciesMs, 99);
    tally.latenciesMs = [];
    console.log(
      `${String(atSec).padStart(5)} s  requests ${served} (${Math.round((served - lastServed) / REPORT_EVERY_SEC)}/s)  ` +
        `unexpected ${tally.unexpected.length}  rss ${mib(bytes)} MiB  p99 ${p99Ms.toFixed(1)} ms${atSec < WARMUP_SEC ? '  (warm-up)' : ''}`,
    );
    lastServed = served;
  }, REPORT_EVERY_SEC * MS_PER_SECOND);
  await Promise.all(workers);
  clearInterval(reporter);
  client.close();

  server.child.kill('SIGTERM');
  const exit = await server.exited;
  const logs = server
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string });
  const snapshots = logs.filter((line) => line.msg === 'snapshot written').length;
  const serverErrors = logs.filter((line) => line.level >= 50).map((line) => `server logged: ${line.msg}`);
  temp.remove();

  // Flat: every sample from the end of warm-up on lies within 10% of the lowest of them.
  const steady = rss.filter((sample) => sample.atSec >= WARMUP_SEC).map((sample) => sample.bytes);
  const low = Math.min(...steady);
  const high = Math.max(...steady);
  const spread = steady.length < 2 ? Number.NaN : high / low - 1;
  const unexpected = [...tally.unexpected, ...serverErrors];

  console.log(
    `\nserved ${total(tally)} requests in ${DURATION_SEC} s: ${OPERATIONS.map((op) => `${op.name} ${tally.served.get(op.name) ?? 0}`).join(', ')}`,
  );
  console.log(`snapshots written ${snapshots}; server exit ${exit}`);
  console.log(`unexpected answers ${unexpected.length}${unexpected.length > 0 ? `: ${unexpected.slice(0, 5).join('; ')}` : ''}`);
  console.log(
    steady.length < 2
      ? 'rss: too short to judge (need two samples from the end of warm-up on)'
      : `rss from ${WARMUP_SEC} s on: first ${mib(steady[0])} MiB, low ${mib(low)} MiB, high ${mib(high)} MiB, last ${mib(steady[steady.length - 1])} MiB: ` +
          `spread ${(spread * 100).toFixed(1)}% (limit ${MAX_RSS_SPREAD * 100}%)`,
  );
  const ok = unexpected.length === 0 && exit === 0 && spread <= MAX_RSS_SPREAD;
  console.log(ok ? 'soak passed' : 'soak FAILED');
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
