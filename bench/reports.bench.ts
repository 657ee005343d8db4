/*
 * reports: GET /perf/:host/last_day and last_hour over 10,000 hosts that hold a full day of
 * data (every bucket live), while single-sample ingest runs at the same time at a steady
 * 5,000 samples/s (10,000 hosts posting every 2 s). Two loads per mode: closed loop
 * (CONNECTIONS connections as fast as the server answers: req/s) and open loop at a
 * steady 1,000 req/s (p99 of a dashboard-like load, the target). Baseline in the same run:
 * GET /healthz under the same ingest, the cost of the stack without a report.
 */
import { CAN_PIN } from './lib/cores';
import { LoadRequest, LoadResult, chooseLoadTool, describeLoad, runLoad } from './lib/load';
import { describeMachine, log, printCommand, printNote, printTable } from './lib/report';
import { CONNECTIONS, DURATION_SEC, ROUNDS, WARMUP_SEC, rotated } from './lib/rounds';
import { SERVERTRACK, startServer } from './lib/server-process';
import { formatNumber, formatRatio, median } from './lib/stats';
import { SECONDS_PER_HOUR, SECONDS_PER_MINUTE } from '../src/store/time';

const HOST_COUNT = 10_000;
const INGEST_RATE_PER_SEC = 5_000;
const REPORT_RATE_PER_SEC = 1_000;
const PRELOAD_BATCH = 50_000;
const host = (i: number): string => `host-${String(i).padStart(5, '0')}`;

interface Target {
  name: string;
  requests: LoadRequest[];
}

const TARGETS: Target[] = [
  { name: 'GET /healthz (baseline)', requests: [{ method: 'GET', path: '/healthz' }] },
  {
    name: 'GET /perf/:host/last_day',
    requests: Array.from({ length: HOST_COUNT }, (_, i) => ({ method: 'GET' as const, path: `/perf/${host(i)}/last_day` })),
  },
  {
    name: 'GET /perf/:host/last_hour',
    requests: Array.from({ length: HOST_COUNT }, (_, i) => ({ method: 'GET' as const, path: `/perf/${host(i)}/last_hour` })),
  },
];

const INGEST: LoadRequest[] = Array.from({ length: HOST_COUNT }, (_, i) => ({
  method: 'POST',
  path: `/perf/${host(i)}`,
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: `cpuload=${(i % 100) + 0.5}&memload=${(i * 7) % 100}`,
}));

/** One sample in each of the 60 seconds, 60 minutes and 24 hours, for every host, through POST /perf. */
async function preload(baseUrl: string): Promise<void> {
  const nowSec = Math.floor(Date.now() / 1000);
  const ages = [
    ...Array.from({ length: 60 }, (_, k) => k),
    ...Array.from({ length: 59 }, (_, k) => (k + 1) * SECONDS_PER_MINUTE),
    ...Array.from({ length: 23 }, (_, k) => (k + 1) * SECONDS_PER_HOUR),
  ];
  let lines: string[] = [];
  const flush = async (): Promise<void> => {
    const res = await fetch(`${baseUrl}/perf`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-ndjson' },
      body: lines.join('\n'),
    });
    if (res.status !== 201) throw new Error(`preload failed: ${res.status} ${await res.text()}`);
    lines = [];
  };
  for (let i = 0; i < HOST_COUNT; i++) {
    for (const ageSec of ages) {
      lines.push(JSON.stringify({ host: host(i), cpuload: (i + ageSec) % 100, memload: 50, time: nowSec - ageSec }));
      if (lines.length === PRELOAD_BATCH) await flush();
    }
  }
  if (lines.length > 0) await flush();
}

async function underIngest(baseUrl: string, work: () => Promise<LoadResult>): Promise<{ result: LoadResult; ingest: LoadResult }> {
  const ingestSec = DURATION_SEC + 4;
  const ingest = runLoad('autocannon', {
    baseUrl,
    requests: INGEST,
    connections: 10,
    durationSec: ingestSec,
    ratePerSec: INGEST_RATE_PER_SEC,
  });
  await new Promise((resolve) => setTimeout(resolve, 3_000)); // let the ingest start and reach its rate first
  const result = await work();
  return { result, ingest: await ingest };
}

async function main(): Promise<void> {
  const tool = chooseLoadTool();
  const closed = new Map<Target, { rps: number[]; p99: number[] }>(TARGETS.map((t) => [t, { rps: [], p99: [] }]));
  const open = new Map<Target, { rps: number[]; p99: number[] }>(TARGETS.map((t) => [t, { rps: [], p99: [] }]));
  const ingestRates: number[] = [];
  const server = await startServer(SERVERTRACK);
  try {
    log(`reports: preloading ${formatNumber(HOST_COUNT)} hosts with a full day`);
    await preload(server.baseUrl);
    log(
      `reports: ${ROUNDS} rounds x ${TARGETS.length} targets x 2 loads, ${DURATION_SEC} s each, closed loop by ${tool}, pinned: ${CAN_PIN}`,
    );
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of rotated(TARGETS, round)) {
        const base = { baseUrl: server.baseUrl, requests: target.requests };
        await runLoad(tool, { ...base, connections: CONNECTIONS, durationSec: WARMUP_SEC });
        const c = await underIngest(server.baseUrl, () => runLoad(tool, { ...base, connections: CONNECTIONS, durationSec: DURATION_SEC }));
        const o = await underIngest(server.baseUrl, () =>
          runLoad('autocannon', { ...base, connections: 10, durationSec: DURATION_SEC, ratePerSec: REPORT_RATE_PER_SEC }),
        );
        for (const run of [c, o]) {
          if (run.result.failures + run.ingest.failures > 0) throw new Error(`${target.name}: failed requests`);
          ingestRates.push(run.ingest.requestsPerSec);
        }
        closed.get(target)?.rps.push(c.result.requestsPerSec);
        closed.get(target)?.p99.push(c.result.p99Ms);
        open.get(target)?.rps.push(o.result.requestsPerSec);
        open.get(target)?.p99.push(o.result.p99Ms);
        log(
          `round ${round + 1}: ${target.name}: closed ${formatNumber(c.result.requestsPerSec)} req/s p99 ${c.result.p99Ms.toFixed(2)} ms; ` +
            `open ${formatNumber(o.result.requestsPerSec)} req/s p99 ${o.result.p99Ms.toFixed(2)} ms; ingest ${formatNumber(c.ingest.requestsPerSec)}/s`,
        );
      }
    }
  } finally {
    await server.stop();
  }
  const baseline = TARGETS[0];
  const rows = TARGETS.map((t) => {
    const cl = closed.get(t) ?? { rps: [], p99: [] };
    const op = open.get(t) ?? { rps: [], p99: [] };
    const ratio = median(cl.rps) / median(closed.get(baseline)?.rps ?? []);
    return [
      t.name,
      formatNumber(median(cl.rps)),
      median(cl.p99).toFixed(2),
      formatRatio(ratio),
      formatNumber(median(op.rps)),
      median(op.p99).toFixed(2),
    ];
  });
  printTable(
    `reports: ${formatNumber(HOST_COUNT)} hosts with a full day, ingest at ${formatNumber(INGEST_RATE_PER_SEC)} samples/s meanwhile (median of ${ROUNDS} rounds; target: last_day p99 < 2 ms)`,
    [
      'request',
      `req/s, ${CONNECTIONS} connections`,
      'p99 ms (closed loop)',
      'req/s vs /healthz',
      `req/s at a steady ${formatNumber(REPORT_RATE_PER_SEC)}/s`,
      'p99 ms (steady)',
    ],
    rows,
  );
  printNote(`ingest achieved meanwhile: ${formatNumber(median(ingestRates))} samples/s (median)`);
  console.log(`machine: ${describeMachine()}`);
  printNote(
    `load: ${describeLoad(tool, CONNECTIONS, DURATION_SEC)}; steady loads: taskset -c 1 autocannon --overallRate; server: taskset -c 0 node dist/server.js`,
  );
  printCommand('npm run bench:reports');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
