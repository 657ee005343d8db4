/*
 * fleet: the fleet questions over 100,000 hosts with every bucket live, in-memory store.
 *
 * Part 1, in this process (pinned to the server core): the app on a fixed clock, each
 * request sent over HTTP one at a time, ROUNDS rounds of REQUESTS_PER_ROUND each, rotating
 * the order. Per request: the median wall time, and the longest the event loop was held
 * while it ran (perf_hooks' event loop delay, max). Baseline in the same run: the host's
 * own report, GET /perf/{host}/last_hour, which GET /perf/{host} should match.
 *
 * The window queries also run after what makes the routes read more than the bucket in
 * progress (docs/performance.md, Fleet questions): each request preceded by a late sample
 * into a closed bucket (a ranking sums that host's window again; /fleet pools that one
 * bucket again), by the window moving (the clock a minute away from the last request's,
 * stepping back and forth, as once a minute on a real clock: a ranking sums every host's
 * window again; /fleet pools the bucket that closed), by a new host (with nothing in the
 * closed buckets: /fleet pools only the bucket in progress again), or by a host deleted
 * (/fleet pools the whole window again). The plain rows are a dashboard polling: what was
 * kept still holds.
 *
 * Part 2, separate processes: single-sample POST throughput against a server holding the
 * same fleet (bench/servers/servertrack-fleet.ts), with and without a client that polls
 * GET /fleet/last_hour and GET /perf?window=last_hour&sort=-cpuload&limit=50 once a second,
 * alternating within each round; the target is >= 0.9x. The poller is this process, moved
 * to the load generator's core: a client's work is not the server's. Both queries run once
 * before the warm-up, as a dashboard that has been polling has run them: the first of a
 * process sums every host's whole window, and would land in round 1's polled run only.
 */
import { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { CAN_PIN, LOAD_CORE, SERVER_CORE, pinSelf, tsNodeArgs } from './lib/cores';
import { fillFleet, fleetHost } from './lib/full-fleet';
import { LoadRequest, chooseLoadTool, describeLoad, runLoad } from './lib/load';
import { describeMachine, log, printCommand, printNote, printTable } from './lib/report';
import { CONNECTIONS, DURATION_SEC, ROUNDS, WARMUP_SEC, rotated } from './lib/rounds';
import { ServerSpec, startServer } from './lib/server-process';
import { formatNumber, formatRatio, median } from './lib/stats';
import { createApp } from '../src/app';
import { createHttpServer } from '../src/http/http-server';
import { HostStore } from '../src/store/host-store';
import { SECONDS_PER_HOUR, SECONDS_PER_MINUTE } from '../src/store/time';

const HOST_COUNT = 100_000;
const REQUESTS_PER_ROUND = 10;
const NS_PER_MS = 1e6;
// The last second of an hour: every bucket of every window is live, none is half-filled.
const NOW_SEC = 1_800_000_000 - (1_800_000_000 % SECONDS_PER_HOUR) + SECONDS_PER_HOUR - 1;
const POLL_INTERVAL_MS = 1_000;
const POLLED = ['/fleet/last_hour', '/perf?window=last_hour&sort=-cpuload&limit=50'];

interface Target {
  name: string;
  path: string;
  targetMs?: string;
  /** What happens before each request: nothing, a late sample into a closed bucket, the window moving, a new host, or a host deleted. */
  before?: 'late sample' | 'window moved' | 'new host' | 'host deleted';
}

const TARGETS: Target[] = [
  { name: 'GET /perf/{host}/last_hour (baseline: a report)', path: `/perf/${fleetHost(4_242)}/last_hour` },
  { name: 'GET /perf/{host}', path: `/perf/${fleetHost(4_242)}`, targetMs: 'as a report' },
  { name: 'GET /perf?sort=-cpuload&limit=20', path: '/perf?sort=-cpuload&limit=20', targetMs: '<= 20' },
  { name: 'GET /perf?window=last_hour&sort=-cpuload&limit=20', path: '/perf?window=last_hour&sort=-cpuload&limit=20', targetMs: '<= 100' },
  {
    name: 'GET /perf?window=last_hour&sort=-cpuload&limit=20, after a late sample',
    path: '/perf?window=last_hour&sort=-cpuload&limit=20',
    targetMs: '<= 100',
    before: 'late sample',
  },
  {
    name: 'GET /perf?window=last_hour&sort=-cpuload&limit=20, after the window moved',
    path: '/perf?window=last_hour&sort=-cpuload&limit=20',
    before: 'window moved',
  },
  { name: 'GET /fleet/last_hour', path: '/fleet/last_hour', targetMs: '<= 150' },
  { name: 'GET /fleet/last_hour, after a late sample', path: '/fleet/last_hour', targetMs: '<= 150', before: 'late sample' },
  { name: 'GET /fleet/last_hour, after the window moved', path: '/fleet/last_hour', before: 'window moved' },
  { name: 'GET /fleet/last_hour, after a new host', path: '/fleet/last_hour', targetMs: '<= 150', before: 'new host' },
  { name: 'GET /fleet/last_hour, after a host deleted', path: '/fleet/last_hour', targetMs: '<= 150', before: 'host deleted' },
  { name: 'GET /perf (first 1,000 by host)', path: '/perf' },
];

async function measureInProcess(): Promise<string[][]> {
  pinSelf(SERVER_CORE);
  log(`fleet: filling ${formatNumber(HOST_COUNT)} hosts`);
  // Room for the hosts that join before the 'new host' requests.
  const store = new HostStore({ maxHosts: 2 * HOST_COUNT });
  fillFleet(store, HOST_COUNT, NOW_SEC);
  // NOW_SEC, but for the 'window moved' requests, each a minute away from the one before (an even number: back at NOW_SEC after them).
  let nowSec = NOW_SEC;
  const server = createHttpServer(createApp({ store, clock: () => nowSec, metrics: false })).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const wallMs = new Map<Target, number[]>(TARGETS.map((t) => [t, []]));
  const heldMs = new Map<Target, number[]>(TARGETS.map((t) => [t, []]));
  const delay = monitorEventLoopDelay({ resolution: 1 });
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      for (const target of rotated(TARGETS, round)) {
        for (let n = 0; n < REQUESTS_PER_ROUND; n++) {
          if (target.before === 'late sample') {
            store.record(fleetHost(n), { timeSec: NOW_SEC - 10 * SECONDS_PER_MINUTE, cpuLoad: 50, memLoad: 50 }, NOW_SEC);
          } else if (target.before === 'window moved') {
            nowSec = nowSec === NOW_SEC ? NOW_SEC - SECONDS_PER_MINUTE : NOW_SEC;
          } else if (target.before === 'new host') {
            store.record(`joined-${round}-${n}.example.com`, { timeSec: NOW_SEC, cpuLoad: 50, memLoad: 50 }, NOW_SEC);
          } else if (target.before === 'host deleted') {
            // A different host each time, and never the baseline's.
            store.forget(fleetHost(HOST_COUNT - 1 - round * REQUESTS_PER_ROUND - n), NOW_SEC);
          }
          delay.reset();
          delay.enable();
          const startedNs = process.hrtime.bigint();
          const res = await fetch(baseUrl + target.path, { headers: { 'Accept-Encoding': 'identity' } });
          await res.arrayBuffer();
          const elapsedMs = Number(process.hrtime.bigint() - startedNs) / NS_PER_MS;
          delay.disable();
          if (res.status !== 200) throw new Error(`${target.path}: ${res.status}`);
          if (round === 0) continue; // warm-up
          wallMs.get(target)?.push(elapsedMs);
          heldMs.get(target)?.push(delay.max / NS_PER_MS);
        }
      }
      if (round > 0) log(`round ${round}: ${TARGETS.map((t) => `${t.path} ${median(wallMs.get(t) ?? []).toFixed(1)} ms`).join('; ')}`);
    }
  } finally {
    server.close();
  }
  const baselineMs = median(wallMs.get(TARGETS[0]) ?? []);
  return TARGETS.map((t) => {
    const wall = wallMs.get(t) ?? [];
    return [
      t.name,
      median(wall).toFixed(2),
      formatRatio(median(wall) / baselineMs),
      Math.max(...(heldMs.get(t) ?? [])).toFixed(1),
      t.targetMs ?? '',
    ];
  });
}

const FLEET_SERVER: ServerSpec = {
  name: 'ServerTrack with 100,000 hosts',
  nodeArgs: tsNodeArgs('bench/servers/servertrack-fleet.ts'),
  env: { FLEET_HOSTS: String(HOST_COUNT) },
  // Filling 100,000 hosts on one core of a busy machine can take a minute.
  startTimeoutMs: 180_000,
};

/** Each polled query once, one after the other. */
async function pollOnce(baseUrl: string): Promise<void> {
  for (const path of POLLED) {
    const res = await fetch(baseUrl + path);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
  }
}

/** Polls the fleet queries once a second until stopped; resolves with how many polls it made. */
function startPoller(baseUrl: string): () => Promise<number> {
  let polls = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const startedMs = Date.now();
      await pollOnce(baseUrl);
      polls++;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, POLL_INTERVAL_MS - (Date.now() - startedMs))));
    }
  })();
  return async () => {
    running = false;
    await loop;
    return polls;
  };
}

async function measureIngestUnderPolling(): Promise<{ without: number[]; polled: number[]; ratios: number[]; polls: number[] }> {
  // The poller is a client: it runs beside the load generator, not on the server's core,
  // where its fetches, and a collection of the heap part 1 left behind, would be charged
  // to the server in the polled runs only.
  pinSelf(LOAD_CORE);
  const tool = chooseLoadTool();
  const requests: LoadRequest[] = Array.from({ length: 1_000 }, (_, i) => ({
    method: 'POST',
    path: `/perf/${fleetHost(i)}`,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `cpuload=${(i % 100) + 0.5}&memload=${(i * 7) % 100}`,
  }));
  const result = { without: [] as number[], polled: [] as number[], ratios: [] as number[], polls: [] as number[] };
  const server = await startServer(FLEET_SERVER);
  try {
    const load = { baseUrl: server.baseUrl, requests, connections: CONNECTIONS };
    // Polled once before the warm-up: a process's first window queries sum every host's
    // whole window (seconds over 100,000 hosts), which a dashboard pays once, not each second.
    await pollOnce(server.baseUrl);
    await runLoad(tool, { ...load, durationSec: WARMUP_SEC });
    for (let round = 0; round < ROUNDS; round++) {
      const rps: Record<string, number> = {};
      for (const polled of rotated([false, true], round)) {
        const stop = polled ? startPoller(server.baseUrl) : undefined;
        const run = await runLoad(tool, { ...load, durationSec: DURATION_SEC });
        const polls = (await stop?.()) ?? 0;
        if (run.failures > 0) throw new Error(`ingest: ${run.failures} failed requests`);
        rps[String(polled)] = run.requestsPerSec;
        if (polled) result.polls.push(polls);
      }
      result.without.push(rps.false);
      result.polled.push(rps.true);
      result.ratios.push(rps.true / rps.false);
      log(
        `round ${round + 1}: ingest ${formatNumber(rps.false)}/s alone, ${formatNumber(rps.true)}/s polled (${formatRatio(rps.true / rps.false)})`,
      );
    }
  } finally {
    await server.stop();
  }
  return result;
}

async function main(): Promise<void> {
  const rows = await measureInProcess();
  printTable(
    `fleet: ${formatNumber(HOST_COUNT)} hosts, every bucket live, in-memory store, one request at a time (median of ${ROUNDS} rounds x ${REQUESTS_PER_ROUND})`,
    ['request', 'median ms', 'vs the report', 'longest event loop hold, ms (target <= 50)', 'target ms'],
    rows,
  );
  const tool = chooseLoadTool();
  const ingest = await measureIngestUnderPolling();
  printTable(
    `fleet: single-sample POST while a client polls ${POLLED.join(' and ')} once a second (median of ${ROUNDS} rounds)`,
    ['ingest req/s alone', 'ingest req/s polled', 'polled / alone (target >= 0.90x)', 'polls per run'],
    [
      [
        formatNumber(median(ingest.without)),
        formatNumber(median(ingest.polled)),
        formatRatio(median(ingest.ratios)),
        formatNumber(median(ingest.polls)),
      ],
    ],
  );
  console.log(`machine: ${describeMachine()}`);
  printNote(
    `part 1 pinned: ${CAN_PIN}; part 2 load: ${describeLoad(tool, CONNECTIONS, DURATION_SEC)}; server: taskset -c 0 bench/servers/servertrack-fleet.ts; poller: this process, on core ${LOAD_CORE} with the load`,
  );
  printCommand('npm run bench:fleet');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
