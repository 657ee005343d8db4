/*
 * metrics-cost: what the Prometheus metrics cost the hot path, measured two ways.
 *
 * 1. HTTP: single-sample POST /perf/:host (form bodies over 1,000 hosts, 50 keep-alive
 *    connections) against two servers of the full app, metrics on and metrics off, both
 *    up for the whole run and pinned to core 0; this process drives them with autocannon
 *    from core 1, in short alternating bursts, so slow drifts of a shared machine hit both
 *    alike. Reported: medians of req/s and p99, and the median per-round cost,
 *    1 - (req/s on / req/s off).
 * 2. In-process: the nanoseconds the metrics middleware adds to one request (its start,
 *    its 'finish' listener and the prom-client updates), against a pass-through middleware
 *    driven the same way. Noise-free enough to check the HTTP figure against: cost ≈ ns ×
 *    req/s.
 *
 *   npm run bench:metrics-cost      (BENCH_ROUNDS, BENCH_DURATION_SEC, BENCH_WARMUP_SEC change the run)
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppMetrics } from '../src/http/metrics';
import { HostStore } from '../src/store/host-store';

const ROOT_DIR = path.resolve(__dirname, '..');
const SERVER_CORE = 0;
const LOAD_CORE = 1;
const HOST_COUNT = 1_000;
const CONNECTIONS = 50;
const START_TIMEOUT_MS = 20_000;
const TARGET_COST = 0.05;
const MICRO_ITERATIONS = 1_000_000;
const MICRO_RUNS = 7;

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got '${raw}'`);
  return value;
}

const ROUNDS = intFromEnv('BENCH_ROUNDS', 10);
const DURATION_SEC = intFromEnv('BENCH_DURATION_SEC', 5);
const WARMUP_SEC = intFromEnv('BENCH_WARMUP_SEC', 5);

function canPin(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return os.cpus().length >= 2;
  } catch {
    return false;
  }
}
const PINNED = canPin();

type Variant = 'on' | 'off';

interface Server {
  child: ChildProcess;
  baseUrl: string;
}

function startServer(metrics: Variant): Promise<Server> {
  const nodeArgs = ['-r', 'ts-node/register/transpile-only', 'bench/servers/servertrack-metrics-toggle.ts'];
  const [command, args] = PINNED ? ['taskset', ['-c', String(SERVER_CORE), process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  const child = spawn(command, args, { cwd: ROOT_DIR, env: { ...process.env, BENCH_METRICS: metrics }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`metrics=${metrics} server did not start`)), START_TIMEOUT_MS);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, baseUrl: match[1] });
      }
    });
    child.once('exit', (code) => reject(new Error(`metrics=${metrics} server exited with ${code}`)));
  });
}

async function stopServer(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

interface LoadResult {
  requestsPerSec: number;
  p99Ms: number;
}

const ingestRequests = Array.from({ length: HOST_COUNT }, (_, i) => ({
  method: 'POST' as const,
  path: `/perf/host-${i}`,
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: `cpuload=${(i % 100) + 0.5}&memload=${(i * 7) % 100}`,
}));

async function load(server: Server, durationSec: number): Promise<LoadResult> {
  const result = await autocannon({ url: server.baseUrl, connections: CONNECTIONS, duration: durationSec, requests: ingestRequests });
  const failures = result.non2xx + result.errors + result.timeouts;
  if (failures > 0) throw new Error(`${server.baseUrl}: ${failures} failed requests`);
  return { requestsPerSec: result.requests.average, p99Ms: result.latency.p99 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const percent = (ratio: number): string => `${(ratio * 100).toFixed(1)}%`;

async function httpCost(): Promise<{ rpsOff: number; cost: number }> {
  const servers = { on: await startServer('on'), off: await startServer('off') };
  try {
    await load(servers.off, WARMUP_SEC);
    await load(servers.on, WARMUP_SEC);
    const runs: Record<Variant, LoadResult[]> = { on: [], off: [] };
    const costs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which variant goes first, so neither always meets a warmer (or busier) machine.
      const order: Variant[] = round % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
      const rps = { on: 0, off: 0 };
      for (const variant of order) {
        const result = await load(servers[variant], DURATION_SEC);
        runs[variant].push(result);
        rps[variant] = result.requestsPerSec;
      }
      costs.push(1 - rps.on / rps.off);
      console.log(`round ${round + 1}: off ${Math.round(rps.off)} req/s, on ${Math.round(rps.on)} req/s, cost ${percent(costs.at(-1) ?? NaN)}`);
    }
    console.log(`\n| ServerTrack, single-sample POST, ${CONNECTIONS} connections | req/s (median) | p99 ms (median) |\n| --- | --- | --- |`);
    for (const variant of ['off', 'on'] as const) {
      console.log(`| metrics ${variant} | ${Math.round(median(runs[variant].map((r) => r.requestsPerSec)))} | ${median(runs[variant].map((r) => r.p99Ms))} |`);
    }
    const cost = median(costs);
    console.log(`\nHTTP cost of metrics: ${percent(cost)} (median of ${ROUNDS} per-round costs, ${DURATION_SEC} s bursts; spread ${percent(Math.min(...costs))} to ${percent(Math.max(...costs))})`);
    return { rpsOff: median(runs.off.map((r) => r.requestsPerSec)), cost };
  } finally {
    await stopServer(servers.on);
    await stopServer(servers.off);
  }
}

/** A response stand-in with what the middleware touches: req, statusCode and 'finish'. */
function fakeExchange(i: number): { req: Request; res: Response & EventEmitter } {
  const res = new EventEmitter() as Response & EventEmitter;
  const req = { method: 'POST', route: { path: '/perf/:host' }, originalUrl: `/perf/host-${i}` } as unknown as Request;
  Object.assign(res, { req, statusCode: 201 });
  return { req, res };
}

function timeMiddlewareNs(middleware: RequestHandler): number {
  const next: NextFunction = () => undefined;
  const exchanges = Array.from({ length: 1_000 }, (_, i) => fakeExchange(i));
  const startedNs = process.hrtime.bigint();
  for (let i = 0; i < MICRO_ITERATIONS; i++) {
    // A fresh listener list each time, as a real response would have.
    const { req, res } = exchanges[i % exchanges.length];
    middleware(req, res, next);
    res.emit('finish');
    res.removeAllListeners('finish');
  }
  return Number(process.hrtime.bigint() - startedNs) / MICRO_ITERATIONS;
}

function inProcessCost(): number {
  const clock = (): number => 1_700_000_000;
  const metrics = new AppMetrics({ store: new HostStore({ clock }), clock });
  const withMetrics = metrics.requests.middleware();
  const passThrough: RequestHandler = (_req, res, next) => {
    res.on('finish', () => undefined);
    next();
  };
  const added: number[] = [];
  for (let run = 0; run < MICRO_RUNS + 1; run++) {
    const baseNs = timeMiddlewareNs(passThrough);
    const oursNs = timeMiddlewareNs(withMetrics);
    if (run > 0) added.push(oursNs - baseNs); // run 0 warms up
  }
  const ns = median(added);
  console.log(`in-process: the metrics middleware adds ${ns.toFixed(0)} ns per request over a pass-through (median of ${MICRO_RUNS} runs of ${MICRO_ITERATIONS.toLocaleString('en')})`);
  return ns;
}

async function main(): Promise<void> {
  if (PINNED) execFileSync('taskset', ['-cp', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' });
  console.log(`metrics-cost: ${ROUNDS} rounds, ${DURATION_SEC} s bursts after ${WARMUP_SEC} s warm-up, autocannon, pinned: ${PINNED}`);
  const ns = inProcessCost();
  const { rpsOff, cost } = await httpCost();
  console.log(`expected from in-process: ${ns.toFixed(0)} ns x ${Math.round(rpsOff)} req/s = ${percent((ns * rpsOff) / 1e9)} of the server core; target < ${percent(TARGET_COST)}; measured ${percent(cost)}`);
  console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown'} x ${os.cpus().length}, node ${process.version}, load average ${os.loadavg()[0].toFixed(1)}`);
  console.log('reproduce: npm run bench:metrics-cost');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
