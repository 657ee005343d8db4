/*
 * redis: what the Redis store costs and what workers buy back. Single-sample ingest
 * (POST /perf/:host), bulk ingest (POST /perf, NDJSON: 1,000 samples over 1,000 hosts, and
 * 10,000 samples over the same 1,000 hosts, 10 per host) and reports (GET /perf/:host/last_hour)
 * against the set-ups started in the same round:
 *
 *   memory        one process, in-memory store (the baseline)
 *   redis ×1      one process, SERVERTRACK_STORE=redis on a local redis-server
 *   a core each   the same, the server pinned to one core and redis-server to the other
 *   redis ×2      SERVERTRACK_WORKERS=2 on the same redis-server
 *   cluster ×2    SERVERTRACK_WORKERS=2 on a local 3-node Redis Cluster
 *   before        with BENCH_REDIS_BEFORE=<git revision>: "a core each" as that revision built
 *                 it (bench/lib/revision-build.ts), so a change to the Redis store is measured
 *                 before and after in one run
 *
 * For every ingest load on Redis it also reads what Redis spent (bench/lib/redis-stats.ts):
 * command time (INFO commandstats) and CPU (INFO cpu) per sample recorded, and on the
 * cluster the same for each node, to show how the work spreads over the shards. Then
 * "Redis busy" (bench/lib/busy-redis.ts): single-sample records straight into the store,
 * with redis-server alone on a core, this checkout's store and the before's, in the same rounds.
 *
 * Servers and redis-server are not pinned (but in "a core each"): two workers and Redis
 * need the cores they can get. The load generator is pinned to the load core (bench/lib/load.ts), so on a 2-core
 * machine everything competes; the ratios say how the set-ups compare there, not how
 * Redis scales on real hardware. Then Redis bytes per host with a full day of data,
 * measured with MEMORY USAGE.
 */
import path from 'node:path';
import { RedisStore } from '../src/store/redis/redis-store';
import { connectRedis } from '../src/store/redis/connection';
import { hostKeys, hostsKey } from '../src/store/redis/keys';
import { HostSample } from '../src/store/store';
import { startRedisCluster, startRedisServer } from '../test/helpers/redis-server';
import { LoadRequest, chooseLoadTool, describeLoad, runLoad } from './lib/load';
import { NodeCost, RedisCostMeter } from './lib/redis-stats';
import { describeMachine, log, printCommand, printNote, printTable } from './lib/report';
import { CONNECTIONS, DURATION_SEC, ROUNDS, WARMUP_SEC, rotated } from './lib/rounds';
import { ALL_CORES, LOAD_CORE, SERVER_CORE, pinProcess } from './lib/cores';
import { RevisionBuild, buildRevision } from './lib/revision-build';
import { ROOT_DIR, startServer } from './lib/server-process';
import { BUSY_IN_FLIGHT, BusyResult, BusyStore, measureBusyRedis, storeModuleOf } from './lib/busy-redis';
import { formatNumber, formatRatio, median } from './lib/stats';

const HOST_COUNT = 1_000;
const BATCH = 1_000;
const BIG_BATCH = 10_000;
const BULK_CONNECTIONS = 4;
/** Fewer for the 10,000-sample requests: on the old layout one took seconds, and 4 at once outlasted the load. */
const BIG_BULK_CONNECTIONS = 2;
const MEMORY_HOSTS = 1_000;

interface Redises {
  url: string;
  port: number;
  pid: () => number;
  clusterNodes: string;
  clusterPorts: number[];
}

interface Setup {
  name: string;
  env: (redis: Redises) => Record<string, string>;
  workers: number;
  /** The Redis nodes whose costs are read, for set-ups on Redis. */
  redisPorts?: (redis: Redises) => number[];
  /** The server to run, dist/server.js of this checkout unless given. */
  serverPath?: string;
  /** The server on the server core and the standalone redis-server on the load core, for this set-up. */
  coreEach?: boolean;
}

/**
 * A generous command timeout: on a shared 2-core machine four concurrent 1,000-sample
 * batches can queue past the 1 s default, and a 503 there would measure the machine, not
 * the store. Production keeps the default, bounded on purpose (README, Failure behaviour).
 */
const REDIS_ENV = { SERVERTRACK_STORE: 'redis', REDIS_COMMAND_TIMEOUT_MS: '10000' };

const ONE_WORKER: Setup = {
  name: 'redis, 1 worker',
  env: (r) => ({ ...REDIS_ENV, REDIS_URL: r.url }),
  workers: 1,
  redisPorts: (r) => [r.port],
};
const SETUPS: Setup[] = [
  { name: 'memory, 1 process', env: () => ({}), workers: 1 },
  ONE_WORKER,
  { ...ONE_WORKER, name: 'redis, 1 worker, a core each', coreEach: true },
  {
    name: 'redis, 2 workers',
    env: (r) => ({ ...REDIS_ENV, REDIS_URL: r.url, SERVERTRACK_WORKERS: '2' }),
    workers: 2,
    redisPorts: (r) => [r.port],
  },
  {
    name: 'redis cluster (3 nodes), 2 workers',
    env: (r) => ({ ...REDIS_ENV, REDIS_CLUSTER_NODES: r.clusterNodes, SERVERTRACK_WORKERS: '2' }),
    workers: 2,
    redisPorts: (r) => r.clusterPorts,
  },
];
const CLUSTER_SETUP = SETUPS[4];
/** BENCH_REDIS_BEFORE: a revision whose Redis store this run also measures, as "before". */
const BEFORE_REVISION = process.env.BENCH_REDIS_BEFORE;

interface Case {
  name: string;
  samplesPerRequest: number; // 0 for reads
  connections: number;
  requests: LoadRequest[];
}

const CASES: Case[] = [
  {
    name: 'single POST /perf/:host',
    samplesPerRequest: 1,
    connections: CONNECTIONS,
    requests: Array.from({ length: HOST_COUNT }, (_, i) => ({
      method: 'POST' as const,
      path: `/perf/host-${i}`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `cpuload=${(i % 100) + 0.5}&memload=${(i * 7) % 100}`,
    })),
  },
  {
    name: `bulk POST /perf, ${formatNumber(BATCH)} samples`,
    samplesPerRequest: BATCH,
    connections: BULK_CONNECTIONS,
    requests: Array.from({ length: 4 }, (_, b) => ({
      method: 'POST' as const,
      path: '/perf',
      headers: { 'Content-Type': 'application/x-ndjson' },
      body:
        Array.from({ length: BATCH }, (_, i) =>
          JSON.stringify({ host: `host-${(b * BATCH + i) % HOST_COUNT}`, cpuload: i % 100, memload: 50 }),
        ).join('\n') + '\n',
    })),
  },
  {
    name: `bulk POST /perf, ${formatNumber(BIG_BATCH)} samples, ${BIG_BATCH / HOST_COUNT} per host`,
    samplesPerRequest: BIG_BATCH,
    connections: BIG_BULK_CONNECTIONS,
    requests: Array.from({ length: 4 }, (_, b) => ({
      method: 'POST' as const,
      path: '/perf',
      headers: { 'Content-Type': 'application/x-ndjson' },
      body:
        Array.from({ length: BIG_BATCH }, (_, i) =>
          JSON.stringify({ host: `host-${i % HOST_COUNT}`, cpuload: (b + i) % 100, memload: 50 }),
        ).join('\n') + '\n',
    })),
  },
  {
    name: 'report GET /perf/:host/last_hour',
    samplesPerRequest: 0,
    connections: CONNECTIONS,
    requests: Array.from({ length: HOST_COUNT }, (_, i) => ({ method: 'GET' as const, path: `/perf/host-${i}/last_hour` })),
  },
];

/** Bytes Redis holds per host once every slot of every ring is filled (a full day of samples). */
export async function redisBytesPerHost(url: string): Promise<{ keysBytes: number; setBytes: number; usedBytes: number }> {
  const client = connectRedis({ url, commandTimeoutMs: 10_000 });
  await new Promise((resolve) => client.once('ready', resolve));
  await client.flushall();
  const before = Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1]);
  const nowSec = Math.floor(Date.now() / 1000);
  const store = new RedisStore({ client, keyPrefix: 'servertrack:', commandTimeoutMs: 60_000, maxHosts: MEMORY_HOSTS });
  // One sample per second of the minute, per minute of the hour, per hour of the day: 144 slots.
  const ages = [
    ...Array.from({ length: 60 }, (_, s) => s),
    ...Array.from({ length: 60 }, (_, m) => m * 60),
    ...Array.from({ length: 24 }, (_, h) => h * 3600),
  ];
  for (let h = 0; h < MEMORY_HOSTS; h++) {
    const entries: HostSample[] = ages
      .filter((age) => age < 23 * 3600 + (nowSec % 3600))
      .map((age) => ({ host: `host-${h}`, sample: { timeSec: nowSec - age, cpuLoad: 12.345678, memLoad: 45.678901 } }));
    await store.recordBatch(entries, nowSec);
  }
  const after = Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1]);
  let keysBytes = 0;
  for (let h = 0; h < MEMORY_HOSTS; h++) {
    for (const key of Object.values(hostKeys('servertrack:', `host-${h}`))) {
      keysBytes += Number(await client.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
    }
  }
  const setBytes = Number(await client.call('MEMORY', 'USAGE', hostsKey('servertrack:'), 'SAMPLES', '0'));
  await client.flushall();
  client.disconnect();
  return { keysBytes: keysBytes / MEMORY_HOSTS, setBytes: setBytes / MEMORY_HOSTS, usedBytes: (after - before) / MEMORY_HOSTS };
}

/** Per-round costs of one set-up and case: each node's spend divided by the samples recorded. */
type NodeCostsPerSample = NodeCost[];

function perSample(costs: NodeCost[], samples: number): NodeCostsPerSample {
  return costs.map((c) => ({ commandUs: c.commandUs / samples, cpuUs: c.cpuUs / samples }));
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function formatUs(us: number): string {
  return `${us.toFixed(2)} µs`;
}

/**
 * The "Redis busy" measurements (bench/lib/busy-redis.ts): this checkout's store, then the
 * before's when there is one, each with one result per round, stores rotated by round.
 */
async function measureBusyStores(
  redises: Redises,
  before: RevisionBuild | undefined,
): Promise<{ store: BusyStore; rounds: BusyResult[] }[]> {
  const stores: BusyStore[] = [{ name: 'this checkout', storeModule: storeModuleOf(path.join(ROOT_DIR, 'dist', 'server.js')) }];
  if (before !== undefined) stores.push({ name: `before (${before.label})`, storeModule: storeModuleOf(before.serverPath) });
  const results = stores.map((store) => ({ store, rounds: [] as BusyResult[] }));
  pinProcess(redises.pid(), String(LOAD_CORE));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const { store, rounds } of rotated(results, round)) {
        const result = await measureBusyRedis(store, redises.port, `servertrack-busy-${round}-${stores.indexOf(store)}:`);
        rounds.push(result);
        log(
          `round ${round + 1}: redis busy, ${store.name}: ${formatNumber(result.samplesPerSec)}/s, redis ${formatUs(result.commandUs)} commands ${formatUs(result.cpuUs)} CPU per sample`,
        );
      }
    }
  } finally {
    pinProcess(redises.pid(), ALL_CORES);
  }
  return results;
}

async function main(): Promise<void> {
  const tool = chooseLoadTool();
  const redis = await startRedisServer();
  const cluster = await startRedisCluster();
  const redises: Redises = { url: redis.url, port: redis.port, pid: redis.pid, clusterNodes: cluster.nodes, clusterPorts: cluster.ports };
  let before: RevisionBuild | undefined;
  if (BEFORE_REVISION !== undefined) {
    before = buildRevision(BEFORE_REVISION);
    SETUPS.push({
      ...ONE_WORKER,
      name: `redis, 1 worker, a core each, before (${before.label})`,
      serverPath: before.serverPath,
      coreEach: true,
    });
  }
  const perSec = new Map<string, number[]>();
  const ratios = new Map<string, number[]>();
  const costs = new Map<string, NodeCostsPerSample[]>();
  const failures = new Map<string, number>();
  const key = (setup: Setup, c: Case): string => `${setup.name}|${c.name}`;
  const push = <T>(map: Map<string, T[]>, k: string, value: T): void => void map.set(k, [...(map.get(k) ?? []), value]);
  log(`redis: ${ROUNDS} rounds x ${SETUPS.length} set-ups x ${CASES.length} cases, ${DURATION_SEC} s each, ${tool}`);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const thisRound = new Map<string, number>();
      for (const setup of rotated(SETUPS, round)) {
        const server = await startServer({
          name: setup.name,
          nodeArgs: [setup.serverPath ?? 'dist/server.js'],
          env: setup.env(redises),
          workers: setup.workers,
          pinned: setup.coreEach === true,
        });
        if (setup.coreEach) pinProcess(redises.pid(), String(LOAD_CORE));
        const meter = setup.redisPorts ? new RedisCostMeter(setup.redisPorts(redises)) : undefined;
        try {
          // Ingest first so the report case reads hosts that exist.
          for (const c of CASES) {
            const spec = { baseUrl: server.baseUrl, requests: c.requests, connections: c.connections };
            await runLoad(tool, { ...spec, durationSec: WARMUP_SEC }).catch((err: Error) => {
              throw new Error(`${setup.name}, ${c.name}: ${err.message}\nserver output:\n${server.output()}`);
            });
            const metered = meter !== undefined && c.samplesPerRequest > 0;
            if (metered) await meter.start();
            const result = await runLoad(tool, { ...spec, durationSec: DURATION_SEC });
            const spent = metered ? await meter.stop() : undefined;
            // A shared 2-core machine can time out a request now and then: counted and shown, not fatal to the whole run.
            failures.set(key(setup, c), (failures.get(key(setup, c)) ?? 0) + result.failures);
            const rate = result.requestsPerSec * Math.max(c.samplesPerRequest, 1);
            thisRound.set(key(setup, c), rate);
            push(perSec, key(setup, c), rate);
            let costNote = '';
            if (spent && rate > 0) {
              const each = perSample(spent, rate * DURATION_SEC);
              push(costs, key(setup, c), each);
              costNote = `, redis ${formatUs(sum(each.map((n) => n.commandUs)))} commands ${formatUs(sum(each.map((n) => n.cpuUs)))} CPU per sample`;
            }
            log(`round ${round + 1}: ${setup.name}: ${c.name}: ${formatNumber(rate)}/s, p99 ${result.p99Ms.toFixed(2)} ms${costNote}`);
          }
        } finally {
          meter?.close();
          await server.stop();
          if (setup.coreEach) pinProcess(redises.pid(), ALL_CORES);
        }
      }
      for (const setup of SETUPS) {
        for (const c of CASES) {
          const ratio = (thisRound.get(key(setup, c)) ?? NaN) / (thisRound.get(key(SETUPS[0], c)) ?? NaN);
          push(ratios, key(setup, c), ratio);
        }
      }
    }
    const busy = await measureBusyStores(redises, before);
    const rows = CASES.flatMap((c) =>
      SETUPS.map((setup) => [
        c.name,
        setup.name,
        `${formatNumber(median(perSec.get(key(setup, c)) ?? []))} ${c.samplesPerRequest === 0 ? 'reports' : 'samples'}/s`,
        setup === SETUPS[0] ? '1.00x' : formatRatio(median(ratios.get(key(setup, c)) ?? [])),
        formatNumber(failures.get(key(setup, c)) ?? 0),
      ]),
    );
    printTable(
      `redis: throughput, median of ${ROUNDS} rounds, ratio to the in-memory process in the same round`,
      ['request', 'set-up', 'throughput', 'vs memory', 'failed requests (all rounds)'],
      rows,
    );
    const ingest = CASES.filter((c) => c.samplesPerRequest > 0);
    const onRedis = SETUPS.filter((setup) => setup.redisPorts);
    const total = (rounds: NodeCostsPerSample[], field: keyof NodeCost): number =>
      median(rounds.map((nodes) => sum(nodes.map((n) => n[field]))));
    printTable(
      `redis: what Redis spent per sample recorded, all nodes, median of ${ROUNDS} rounds`,
      ['request', 'set-up', 'command time (INFO commandstats)', 'CPU (INFO cpu)'],
      ingest.flatMap((c) =>
        onRedis.map((setup) => {
          const rounds = costs.get(key(setup, c)) ?? [];
          return [c.name, setup.name, formatUs(total(rounds, 'commandUs')), formatUs(total(rounds, 'cpuUs'))];
        }),
      ),
    );
    printTable(
      `redis: per cluster node, per sample recorded by the whole cluster (${CLUSTER_SETUP.name}), median of ${ROUNDS} rounds`,
      ['request', 'node', 'command time', 'CPU', 'share of command time'],
      ingest.flatMap((c) => {
        const rounds = costs.get(key(CLUSTER_SETUP, c)) ?? [];
        return cluster.ports.map((port, i) => {
          const nodeMedian = (field: keyof NodeCost): number => median(rounds.map((nodes) => nodes[i][field]));
          const share = median(rounds.map((nodes) => nodes[i].commandUs / sum(nodes.map((n) => n.commandUs))));
          return [
            c.name,
            `node ${i + 1} (:${port})`,
            formatUs(nodeMedian('commandUs')),
            formatUs(nodeMedian('cpuUs')),
            `${(share * 100).toFixed(0)} %`,
          ];
        });
      }),
    );
    const busyBefore = busy[1]?.rounds;
    printTable(
      `redis busy: single-sample records straight into the store (no HTTP), ${formatNumber(BUSY_IN_FLIGHT)} in flight, the store on core ${SERVER_CORE} and redis-server alone on core ${LOAD_CORE}, median of ${ROUNDS} rounds`,
      ['store', 'samples/s', 'command time per sample', 'CPU per sample', 'command time vs before'],
      busy.map(({ store, rounds }) => [
        store.name,
        formatNumber(median(rounds.map((r) => r.samplesPerSec))),
        formatUs(median(rounds.map((r) => r.commandUs))),
        formatUs(median(rounds.map((r) => r.cpuUs))),
        busyBefore === undefined ? '' : formatRatio(median(rounds.map((r, i) => r.commandUs / busyBefore[i].commandUs))),
      ]),
    );
    const bytes = await redisBytesPerHost(redis.url);
    printTable(
      `redis: bytes per host with a full day of data (${formatNumber(MEMORY_HOSTS)} hosts, 144 filled slots each)`,
      ['measure', 'bytes per host'],
      [
        ["MEMORY USAGE of the host's keys", formatNumber(bytes.keysBytes)],
        ['its share of the hosts sorted set (MEMORY USAGE / hosts)', formatNumber(bytes.setBytes)],
        ['INFO used_memory growth / hosts', formatNumber(bytes.usedBytes)],
        ['in-memory store, ring data (baseline)', '8,064'],
      ],
    );
    console.log(`machine: ${describeMachine()}`);
    printNote(
      `load: ${describeLoad(tool, CONNECTIONS, DURATION_SEC)} (bulk: ${BULK_CONNECTIONS} connections, ${BIG_BULK_CONNECTIONS} for 10,000-sample requests); servers and redis-server unpinned but in "a core each" (server on core ${SERVER_CORE}, redis-server on core ${LOAD_CORE} with the load generator); samples recorded = throughput × ${DURATION_SEC} s`,
    );
    printCommand('npm run bench:redis');
  } finally {
    await Promise.all([redis.stop(), cluster.stop()]);
    before?.remove();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
