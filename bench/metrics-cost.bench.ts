/*
 * metrics-cost: what the Prometheus metrics cost the hot path, measured two ways.
 *
 * 1. HTTP: single-sample POST /perf/:host (form bodies over 1,000 hosts, 50 keep-alive
 *    connections) against two servers of the full app, metrics on and metrics off, both
 *    up for the whole run and pinned to core 0; this process drives them with autocannon
 *    from core 1, in short alternating bursts, so slow drifts of a shared machine hit both
 *    alike. Reported: medians of req/s, p99 and server CPU time per request (from /proc,
 *    steadier than req/s when other processes share the machine), and the median
 *    per-round cost by both: 1 - (req/s on / req/s off), (CPU/req on / CPU/req off) - 1.
 * 2. In-process: the nanoseconds the metrics add to one request (the timing middleware,
 *    the counting end(), the counting itself), against the same loop without them. Noise-free enough to check the HTTP figure against: cost ≈ ns ×
 *    req/s.
 *
 *   npm run bench:metrics-cost      (BENCH_ROUNDS, BENCH_DURATION_SEC, BENCH_WARMUP_SEC change the run)
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { AppMetrics } from '../src/metrics/metrics';
import { HostStore } from '../src/store/host-store';
import { CAN_PIN, LOAD_CORE, pinSelf, tsNodeArgs } from './lib/cores';
import { describeMachine, printCommand } from './lib/report';
import { intFromEnv } from './lib/rounds';
import { RunningServer, startServer } from './lib/server-process';
import { median } from './lib/stats';

const HOST_COUNT = 1_000;
const CONNECTIONS = 50;
const TARGET_COST = 0.05;
const MICRO_ITERATIONS = 1_000_000;
const MICRO_RUNS = 7;
const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ: /proc reports CPU time in these on Linux

// Its own defaults: short alternating bursts, many rounds (see above).
const ROUNDS = intFromEnv('BENCH_ROUNDS', 12);
const DURATION_SEC = intFromEnv('BENCH_DURATION_SEC', 5);
const WARMUP_SEC = intFromEnv('BENCH_WARMUP_SEC', 5);

type Variant = 'on' | 'off';

/** The full app with metrics on or off, through one launcher, pinned to the server core. */
function startVariant(metrics: Variant): Promise<RunningServer> {
  return startServer({
    name: `metrics=${metrics} server`,
    nodeArgs: tsNodeArgs('bench/servers/servertrack-metrics-toggle.ts'),
    env: { BENCH_METRICS: metrics },
  });
}

interface LoadResult {
  requestsPerSec: number;
  p99Ms: number;
  /** Server CPU time per request answered: steadier than req/s on a shared machine. */
  cpuUsPerRequest: number;
}

/** CPU seconds (user + system) `pid` has used, from /proc; NaN where there is no /proc. */
function cpuSeconds(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

const ingestRequests = Array.from({ length: HOST_COUNT }, (_, i) => ({
  method: 'POST' as const,
  path: `/perf/host-${i}`,
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: `cpuload=${(i % 100) + 0.5}&memload=${(i * 7) % 100}`,
}));

async function load(server: RunningServer, durationSec: number): Promise<LoadResult> {
  const cpuBefore = cpuSeconds(server.child.pid ?? -1);
  const result = await autocannon({ url: server.baseUrl, connections: CONNECTIONS, duration: durationSec, requests: ingestRequests });
  const cpuUsed = cpuSeconds(server.child.pid ?? -1) - cpuBefore;
  const failures = result.non2xx + result.errors + result.timeouts;
  if (failures > 0) throw new Error(`${server.baseUrl}: ${failures} failed requests`);
  return { requestsPerSec: result.requests.average, p99Ms: result.latency.p99, cpuUsPerRequest: (cpuUsed * 1e6) / result.requests.total };
}

const percent = (ratio: number): string => `${(ratio * 100).toFixed(1)}%`;

async function httpCost(): Promise<{ rpsOff: number; cost: number; cpuCost: number }> {
  const servers = { on: await startVariant('on'), off: await startVariant('off') };
  try {
    await load(servers.off, WARMUP_SEC);
    await load(servers.on, WARMUP_SEC);
    const runs: Record<Variant, LoadResult[]> = { on: [], off: [] };
    const costs: number[] = [];
    const cpuCosts: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which variant goes first, so neither always meets a warmer (or busier) machine.
      const order: Variant[] = round % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
      const latest = {} as Record<Variant, LoadResult>;
      for (const variant of order) {
        latest[variant] = await load(servers[variant], DURATION_SEC);
        runs[variant].push(latest[variant]);
      }
      costs.push(1 - latest.on.requestsPerSec / latest.off.requestsPerSec);
      cpuCosts.push(latest.on.cpuUsPerRequest / latest.off.cpuUsPerRequest - 1);
      console.log(
        `round ${round + 1}: off ${Math.round(latest.off.requestsPerSec)} req/s ${latest.off.cpuUsPerRequest.toFixed(1)} µs CPU/req, ` +
          `on ${Math.round(latest.on.requestsPerSec)} req/s ${latest.on.cpuUsPerRequest.toFixed(1)} µs CPU/req; ` +
          `cost ${percent(costs.at(-1) ?? NaN)} by req/s, ${percent(cpuCosts.at(-1) ?? NaN)} by CPU`,
      );
    }
    console.log(
      `\n| ServerTrack, single-sample POST, ${CONNECTIONS} connections | req/s | p99 ms | server CPU µs per request |\n| --- | --- | --- | --- |`,
    );
    for (const variant of ['off', 'on'] as const) {
      const m = (pick: (r: LoadResult) => number): number => median(runs[variant].map(pick));
      console.log(
        `| metrics ${variant} | ${Math.round(m((r) => r.requestsPerSec))} | ${m((r) => r.p99Ms)} | ${m((r) => r.cpuUsPerRequest).toFixed(1)} |`,
      );
    }
    console.log(`(medians of ${ROUNDS} rounds of ${DURATION_SEC} s)`);
    const spread = (values: number[]): string => `${percent(Math.min(...values))} to ${percent(Math.max(...values))}`;
    const cost = median(costs);
    const cpuCost = median(cpuCosts);
    console.log(`\ncost of metrics by req/s: ${percent(cost)} (median of per-round costs; spread ${spread(costs)})`);
    console.log(`cost of metrics by server CPU per request: ${percent(cpuCost)} (median of per-round costs; spread ${spread(cpuCosts)})`);
    return { rpsOff: median(runs.off.map((r) => r.requestsPerSec)), cost, cpuCost };
  } finally {
    await servers.on.stop();
    await servers.off.stop();
  }
}

/**
 * What instrument() touches, without sockets: an app with use() and a response prototype
 * whose end() does nothing, and responses built on it with req and statusCode.
 */
function fakeApp(withMetrics: boolean): { handle(i: number): void } {
  const clock = (): number => 1_700_000_000;
  let middleware: RequestHandler = (_req, _res, next) => next();
  const app = { use: (handler: RequestHandler) => (middleware = handler), response: { end: () => undefined, writableEnded: false } };
  if (withMetrics) new AppMetrics({ store: new HostStore(), clock }).requests.instrument(app as unknown as Express);
  const requests = Array.from(
    { length: 1_000 },
    (_, i) => ({ method: 'POST', route: { path: '/perf/:host' }, originalUrl: `/perf/host-${i}` }) as unknown as Request,
  );
  const next: NextFunction = () => undefined;
  return {
    handle(i: number): void {
      const res = Object.create(app.response) as Response;
      Object.assign(res, { req: requests[i % requests.length], statusCode: 201 });
      middleware(res.req, res, next);
      res.end();
    },
  };
}

function timeRequestsNs(app: { handle(i: number): void }): number {
  const startedNs = process.hrtime.bigint();
  for (let i = 0; i < MICRO_ITERATIONS; i++) app.handle(i);
  return Number(process.hrtime.bigint() - startedNs) / MICRO_ITERATIONS;
}

function inProcessCost(): number {
  const withMetrics = fakeApp(true);
  const without = fakeApp(false);
  const added: number[] = [];
  for (let run = 0; run < MICRO_RUNS + 1; run++) {
    const baseNs = timeRequestsNs(without);
    const oursNs = timeRequestsNs(withMetrics);
    if (run > 0) added.push(oursNs - baseNs); // run 0 warms up
  }
  const ns = median(added);
  console.log(
    `in-process: metrics add ${ns.toFixed(0)} ns per request (median of ${MICRO_RUNS} runs of ${MICRO_ITERATIONS.toLocaleString('en')})`,
  );
  return ns;
}

async function main(): Promise<void> {
  pinSelf(LOAD_CORE);
  console.log(`metrics-cost: ${ROUNDS} rounds, ${DURATION_SEC} s bursts after ${WARMUP_SEC} s warm-up, autocannon, pinned: ${CAN_PIN}`);
  const ns = inProcessCost();
  const { rpsOff, cost, cpuCost } = await httpCost();
  console.log(
    `in-process figure as a share: ${ns.toFixed(0)} ns x ${Math.round(rpsOff)} req/s = ${percent((ns * rpsOff) / 1e9)} of the server core; ` +
      `target < ${percent(TARGET_COST)}; measured ${percent(cost)} by req/s, ${percent(cpuCost)} by CPU per request`,
  );
  console.log(`machine: ${describeMachine()}`);
  printCommand('npm run bench:metrics-cost');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
