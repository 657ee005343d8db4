/*
 * redis-fleet: what the fleet questions cost on the Redis store at 10,000 hosts with every
 * bucket live, next to the in-memory store holding the same fleet in the same run.
 *
 * One process starts its own redis-server and fills a RedisStore through its public API
 * (recordBatch, a few hundred hosts per call): per host one sample in each of the 60
 * seconds, 60 minutes and 24 hours, then one now at a load of the host's own, so rankings
 * see spread values; a HostStore gets the same samples (bench/lib/full-fleet.ts). Both on
 * one fixed clock, each behind its own app and HTTP server. Requests are sent one at a time,
 * ROUNDS rounds of REQUESTS_PER_ROUND each, the order of (request, store) rotating each
 * round; the warm-up round also checks that both stores answer every request with the same
 * body. Per request and store: the median wall time and its ratio to the same store's
 * report, GET /perf/{host}/last_hour; the ratio of Redis to in-memory; the bytes Redis sent
 * per request (INFO stats total_net_output_bytes before and after, bench/lib/redis-stats.ts);
 * the longest the event loop was held (perf_hooks' event loop delay, max) on each store.
 * Redis keeps nothing between fleet queries, so each window query reads every host's key
 * through that ring; the in-memory figures are the polled case (closed buckets kept), as a
 * dashboard sees them. This process is pinned to the server core, redis-server is not.
 */
import { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { CAN_PIN, SERVER_CORE, pinSelf } from './lib/cores';
import { fillFleet, fleetHost } from './lib/full-fleet';
import { RedisBytesMeter } from './lib/redis-stats';
import { describeMachine, log, printCommand, printNote, printTable } from './lib/report';
import { ROUNDS, rotated } from './lib/rounds';
import { formatNumber, formatRatio, median } from './lib/stats';
import { startRedisServer } from '../test/helpers/redis-server';
import { createApp } from '../src/app';
import { createHttpServer } from '../src/http/http-server';
import { HostStore } from '../src/store/host-store';
import { RedisStore } from '../src/store/redis/redis-store';
import { RedisClient, connectRedis } from '../src/store/redis/connection';
import { HostSample, Store } from '../src/store/store';
import { SECONDS_PER_HOUR, SECONDS_PER_MINUTE } from '../src/store/time';

const HOST_COUNT = 10_000;
const REQUESTS_PER_ROUND = 5;
/** Hosts per recordBatch call while filling: 29,000 samples, a few round trips of the store's own chunking. */
const FILL_HOSTS_PER_BATCH = 200;
/** Generous: the machine is shared, and a 503 here would measure the machine, not the reads. */
const COMMAND_TIMEOUT_MS = 10_000;
const NS_PER_MS = 1e6;
// The last second of an hour: every bucket of every window is live, none is half-filled (as bench/fleet.bench.ts).
const NOW_SEC = 1_800_000_000 - (1_800_000_000 % SECONDS_PER_HOUR) + SECONDS_PER_HOUR - 1;

interface Target {
  name: string;
  path: string;
}

const TARGETS: Target[] = [
  { name: 'GET /perf/{host}/last_hour (baseline: a report)', path: `/perf/${fleetHost(4_242)}/last_hour` },
  { name: 'GET /perf/{host}', path: `/perf/${fleetHost(4_242)}` },
  { name: 'GET /perf?sort=-cpuload&limit=20', path: '/perf?sort=-cpuload&limit=20' },
  { name: 'GET /perf?window=last_hour&sort=-cpuload&limit=20', path: '/perf?window=last_hour&sort=-cpuload&limit=20' },
  { name: 'GET /fleet/last_hour', path: '/fleet/last_hour' },
  { name: 'GET /fleet/last_day', path: '/fleet/last_day' },
];

type StoreName = 'redis' | 'memory';

interface Served {
  name: StoreName;
  baseUrl: string;
  close(): void;
}

interface Measured {
  wallMs: number[];
  heldMs: number[];
  bytes: number[];
}

/** The samples fillFleet gives host `i`: the same template of ages at 25 / 50, then one now at the host's own load. */
function hostSamples(i: number): HostSample[] {
  const host = fleetHost(i);
  const ages = [
    ...Array.from({ length: 60 }, (_, k) => k),
    ...Array.from({ length: 60 }, (_, k) => k * SECONDS_PER_MINUTE),
    ...Array.from({ length: 24 }, (_, k) => k * SECONDS_PER_HOUR),
  ];
  const load = (i * 37) % 101;
  return [
    ...ages.map((ageSec) => ({ host, sample: { timeSec: NOW_SEC - ageSec, cpuLoad: 25, memLoad: 50 } })),
    { host, sample: { timeSec: NOW_SEC, cpuLoad: load, memLoad: 100 - load } },
  ];
}

async function fillRedis(store: RedisStore): Promise<void> {
  for (let from = 0; from < HOST_COUNT; from += FILL_HOSTS_PER_BATCH) {
    const entries: HostSample[] = [];
    for (let i = from; i < Math.min(from + FILL_HOSTS_PER_BATCH, HOST_COUNT); i++) entries.push(...hostSamples(i));
    const outcome = await store.recordBatch(entries, NOW_SEC);
    if (outcome !== 'recorded') throw new Error(`filling Redis: recordBatch answered ${outcome} at host ${from}`);
  }
}

async function serve(name: StoreName, store: Store): Promise<Served> {
  const server = createHttpServer(createApp({ store, clock: () => NOW_SEC, metrics: false })).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { name, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

async function connected(client: RedisClient): Promise<RedisClient> {
  if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
  return client;
}

async function get(url: string): Promise<string> {
  const res = await fetch(url, { headers: { 'Accept-Encoding': 'identity' } });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${body.slice(0, 200)}`);
  return body;
}

async function measure(servers: Served[], meter: RedisBytesMeter): Promise<Map<string, Measured>> {
  const key = (target: Target, store: StoreName): string => `${store} ${target.path}`;
  const results = new Map<string, Measured>();
  for (const target of TARGETS) for (const s of servers) results.set(key(target, s.name), { wallMs: [], heldMs: [], bytes: [] });
  const cases = TARGETS.flatMap((target) => servers.map((server) => ({ target, server })));
  const delay = monitorEventLoopDelay({ resolution: 1 });
  for (let round = 0; round <= ROUNDS; round++) {
    if (round === 0) await checkSameAnswers(servers);
    for (const { target, server } of rotated(cases, round)) {
      const into = results.get(key(target, server.name));
      for (let n = 0; n < REQUESTS_PER_ROUND; n++) {
        const timed = async (): Promise<{ elapsedMs: number; heldMs: number }> => {
          delay.reset();
          delay.enable();
          const startedNs = process.hrtime.bigint();
          await get(server.baseUrl + target.path);
          const elapsedMs = Number(process.hrtime.bigint() - startedNs) / NS_PER_MS;
          delay.disable();
          return { elapsedMs, heldMs: delay.max / NS_PER_MS };
        };
        // The meter's INFO calls fall outside the timed part.
        const { result, bytes } = server.name === 'redis' ? await meter.measure(timed) : { result: await timed(), bytes: 0 };
        if (round === 0) continue; // warm-up
        into?.wallMs.push(result.elapsedMs);
        into?.heldMs.push(result.heldMs);
        into?.bytes.push(bytes);
      }
    }
    if (round > 0) {
      const summary = cases.map(
        ({ target, server }) =>
          `${server.name} ${target.path} ${median(results.get(key(target, server.name))?.wallMs ?? []).toFixed(1)} ms`,
      );
      log(`round ${round}: ${summary.join('; ')}`);
    }
  }
  return results;
}

/** Both stores hold the same samples, so every answer must be the same, byte for byte: else the figures compare different work. */
async function checkSameAnswers(servers: Served[]): Promise<void> {
  for (const target of TARGETS) {
    const [first, ...others] = await Promise.all(servers.map((s) => get(s.baseUrl + target.path)));
    if (others.some((body) => body !== first)) throw new Error(`${target.path}: Redis and in-memory answers differ`);
  }
}

async function main(): Promise<void> {
  // redis-server first, so it does not inherit this process's pinning below.
  const redis = await startRedisServer();
  pinSelf(SERVER_CORE);
  const client = await connected(connectRedis({ url: redis.url, commandTimeoutMs: COMMAND_TIMEOUT_MS }));
  const meter = new RedisBytesMeter(redis.port);
  const servers: Served[] = [];
  try {
    log(`redis-fleet: filling ${formatNumber(HOST_COUNT)} hosts in Redis and in memory`);
    const redisStore = new RedisStore({ client, maxHosts: HOST_COUNT, commandTimeoutMs: COMMAND_TIMEOUT_MS });
    await fillRedis(redisStore);
    const memoryStore = new HostStore({ maxHosts: HOST_COUNT });
    fillFleet(memoryStore, HOST_COUNT, NOW_SEC);
    servers.push(await serve('redis', redisStore), await serve('memory', memoryStore));
    await meter.calibrate();
    const results = await measure(servers, meter);

    const of = (target: Target, store: StoreName): Measured =>
      results.get(`${store} ${target.path}`) ?? { wallMs: [], heldMs: [], bytes: [] };
    const redisBaselineMs = median(of(TARGETS[0], 'redis').wallMs);
    const memoryBaselineMs = median(of(TARGETS[0], 'memory').wallMs);
    const rows = TARGETS.map((target) => {
      const onRedis = of(target, 'redis');
      const inMemory = of(target, 'memory');
      return [
        target.name,
        median(onRedis.wallMs).toFixed(2),
        formatRatio(median(onRedis.wallMs) / redisBaselineMs),
        median(inMemory.wallMs).toFixed(2),
        formatRatio(median(inMemory.wallMs) / memoryBaselineMs),
        formatRatio(median(onRedis.wallMs) / median(inMemory.wallMs)),
        formatNumber(median(onRedis.bytes)),
        Math.max(...onRedis.heldMs).toFixed(1),
        Math.max(...inMemory.heldMs).toFixed(1),
      ];
    });
    printTable(
      `redis-fleet: ${formatNumber(HOST_COUNT)} hosts, every bucket live, one request at a time (median of ${ROUNDS} rounds x ${REQUESTS_PER_ROUND})`,
      [
        'request',
        'Redis ms',
        'Redis vs its report',
        'in-memory ms',
        'in-memory vs its report',
        'Redis / in-memory',
        'bytes from Redis per request',
        'longest event loop hold on Redis, ms',
        'longest event loop hold in memory, ms',
      ],
      rows,
    );
    console.log(`machine: ${describeMachine()}`);
    printNote(
      `redis-server on this machine over TCP, unpinned; this process pinned: ${CAN_PIN}; bytes: INFO stats total_net_output_bytes per request, less one INFO reply`,
    );
    printCommand('npm run bench:redis-fleet');
  } finally {
    for (const server of servers) server.close();
    meter.close();
    await client.quit().catch(() => client.disconnect());
    await redis.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
