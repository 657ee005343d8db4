/*
 * RedisStore against real Redis, standalone and a 3-node cluster (started by global-setup.ts).
 * The in-memory HostStore is the reference: it is itself checked against a naive model in
 * test/store/model.property.test.ts, so equal answers here mean the same contract, down to
 * the last bit of every mean.
 */
import calculateSlot from 'cluster-key-slot';
import fc from 'fast-check';
import { ChainableCommander, Cluster } from 'ioredis';
import { HostStore } from '../../../src/store/host-store';
import { LONGEST, MODES, Mode, windowStart } from '../../../src/store/modes';
import { RedisStore } from '../../../src/store/redis/redis-store';
import { RedisClient } from '../../../src/store/redis/connection';
import { frontKey, hostsKey, ringsKey } from '../../../src/store/redis/keys';
import { PENDING_MAX } from '../../../src/store/redis/scripts';
import { HostSample, Sample } from '../../../src/store/store';
import { fakeClock } from '../../helpers/fake-clock';
import { SECONDS_PER_HOUR } from '../../../src/store/time';
import { TEST_COMMAND_TIMEOUT_MS, connectTestRedis, uniquePrefix } from '../../helpers/test-store';

jest.setTimeout(120_000);

const BASE_SEC = 1_700_000_000;
const DAY_SEC = 86_400;
const HOSTS = ['web-1', 'web-2', 'db-1', 'db-2'];

type Op =
  | { kind: 'advance'; stepSec: number }
  | { kind: 'record'; host: string; ageSec: number; cpuLoad: number; memLoad: number }
  | { kind: 'batch'; entries: { host: string; ageSec: number; cpuLoad: number; memLoad: number }[] }
  | { kind: 'report'; host: string; mode: Mode }
  | { kind: 'hosts' }
  | { kind: 'forget'; host: string };

const load = fc.oneof(
  fc.double({ min: 0, max: 100, noNaN: true }),
  fc.integer({ min: 0, max: 10_000 }).map((n) => n / 100),
);
const age = fc.oneof(
  fc.integer({ min: 0, max: 120_000 }).map((ms) => ms / 1_000),
  fc.integer({ min: 0, max: 4_000 }),
  fc.integer({ min: 0, max: DAY_SEC }),
);
const entry = fc.record({ host: fc.constantFrom(...HOSTS), ageSec: age, cpuLoad: load, memLoad: load });
/** Any operation, at any age and any step of the clock. */
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      stepSec: fc.oneof(
        fc.integer({ min: 0, max: 3_000 }).map((ms) => ms / 1_000),
        fc.integer({ min: 0, max: 7_200 }),
        fc.integer({ min: DAY_SEC - 3_600, max: 2 * DAY_SEC }),
      ),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('record' as const),
      host: fc.constantFrom(...HOSTS),
      ageSec: age,
      cpuLoad: load,
      memLoad: load,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('batch' as const), entries: fc.array(entry, { minLength: 1, maxLength: 8 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('report' as const), host: fc.constantFrom(...HOSTS), mode: fc.constantFrom(...MODES) }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'hosts' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('forget' as const), host: fc.constantFrom(...HOSTS) }) },
);

/**
 * Agents as they run: two hosts sending samples a second or two old as the clock moves on by
 * seconds, now and then a late one, a step past the hour, a read or a delete. So samples
 * wait in the front (scripts.ts) and get folded when PENDING_MAX wait, by reads, by a late
 * sample or by the next hour.
 */
const agentOp: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      stepSec: fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 0, max: 3_000 }).map((ms) => ms / 1_000) },
        fc.integer({ min: 0, max: 3_600 }),
      ),
    }),
  },
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant('record' as const),
      host: fc.constantFrom('web-1', 'web-2'),
      ageSec: fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 0, max: 2_000 }).map((ms) => ms / 1_000) },
        fc.integer({ min: 0, max: 120 }),
      ),
      cpuLoad: load,
      memLoad: load,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('report' as const),
      host: fc.constantFrom('web-1', 'web-2'),
      mode: fc.constantFrom(...MODES),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'hosts' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('forget' as const), host: fc.constantFrom('web-1', 'web-2') }) },
);

/** A sample time the HTTP layer would accept: not after now, its hour inside the day window. */
function sampleAt(ageSec: number, cpuLoad: number, memLoad: number, nowSec: number): Sample {
  return { timeSec: Math.max(nowSec - ageSec, windowStart(LONGEST, nowSec)), cpuLoad, memLoad };
}

/** Watches the pipelines the client makes: how many, and the writes of each record script call queued in them (two keys each). */
function watchRecordCalls(client: RedisClient): { writesPerCall: number[]; pipelines: number; restore: () => void } {
  const target = client as unknown as { pipeline: () => ChainableCommander };
  const original = target.pipeline;
  const watch = { writesPerCall: [] as number[], pipelines: 0, restore: () => (target.pipeline = original) };
  target.pipeline = () => {
    const pipeline = original.call(client);
    const record = pipeline.servertrackRecord.bind(pipeline);
    pipeline.servertrackRecord = (keyCount, ...rest) => {
      if (pipeline.length === 0) watch.pipelines++;
      watch.writesPerCall.push(keyCount / 2);
      return record(keyCount, ...rest);
    };
    return pipeline;
  };
  return watch;
}

describe.each(['redis', 'redis-cluster'] as const)('RedisStore on %s', (kind) => {
  let client: RedisClient;

  beforeAll(async () => {
    client = await connectTestRedis(kind);
  });

  afterAll(async () => {
    await client.quit();
  });

  function stores(maxHosts?: number): { memory: HostStore; redis: RedisStore; prefix: string } {
    const prefix = uniquePrefix();
    return {
      memory: new HostStore({ maxHosts }),
      redis: new RedisStore({ client, keyPrefix: prefix, maxHosts, commandTimeoutMs: TEST_COMMAND_TIMEOUT_MS }),
      prefix,
    };
  }

  describe('on random runs of every operation', () => {
    // A cap of 1 to 3 places for 4 hosts, or none, over days: hosts expire while the store is full.
    const maxHosts = fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined });

    /** Runs `ops` on both stores from BASE_SEC, comparing every answer, then every host's every window. */
    async function runOnBoth(cap: number | undefined, ops: readonly Op[]): Promise<void> {
      const clock = fakeClock(BASE_SEC);
      const { memory, redis } = stores(cap);
      for (const o of ops) {
        const nowSec = clock();
        switch (o.kind) {
          case 'advance':
            clock.advance(o.stepSec);
            break;
          case 'record': {
            const sample = sampleAt(o.ageSec, o.cpuLoad, o.memLoad, nowSec);
            expect(await redis.record(o.host, sample, nowSec)).toBe(memory.record(o.host, sample, nowSec));
            break;
          }
          case 'batch': {
            const entries: HostSample[] = o.entries.map((e) => ({
              host: e.host,
              sample: sampleAt(e.ageSec, e.cpuLoad, e.memLoad, nowSec),
            }));
            expect(await redis.recordBatch(entries, nowSec)).toBe(memory.recordBatch(entries, nowSec));
            break;
          }
          case 'report':
            expect(await redis.report(o.host, o.mode, nowSec)).toEqual(memory.report(o.host, o.mode, nowSec));
            break;
          case 'hosts':
            expect(await redis.hosts(nowSec)).toEqual(memory.hosts(nowSec));
            break;
          case 'forget':
            // HostStore drops a host past its window only when something reads it; settle
            // that first, so both answer the contract: true only for a live host.
            memory.hosts(nowSec);
            expect(await redis.forget(o.host, nowSec)).toBe(memory.forget(o.host, nowSec));
            break;
        }
      }
      expect(await redis.hosts(clock())).toEqual(memory.hosts(clock()));
      for (const host of HOSTS) {
        for (const mode of MODES) expect(await redis.report(host, mode, clock())).toEqual(memory.report(host, mode, clock()));
      }
    }

    it('answers exactly what the in-memory store answers, every mean bit for bit, at the cap too', async () => {
      await fc.assert(fc.asyncProperty(maxHosts, fc.array(op, { maxLength: 40 }), runOnBoth), { numRuns: 60 });
    });

    it('answers the same for agents sending samples in time order, as they wait in the front and get folded', async () => {
      await fc.assert(fc.asyncProperty(maxHosts, fc.array(agentOp, { maxLength: 160 }), runOnBoth), { numRuns: 30 });
    });
  });

  describe('at the cap, with a host expired but still held', () => {
    // maxHosts 2: a at BASE, b an hour later; a day after BASE, a has left the window and b has not.
    const laterSec = BASE_SEC + DAY_SEC;
    const at = (timeSec: number): Sample => ({ timeSec, cpuLoad: 1, memLoad: 2 });

    async function bothWithExpiredA(): Promise<{ memory: HostStore; redis: RedisStore; prefix: string }> {
      const both = stores(2);
      for (const [host, timeSec] of [
        ['a', BASE_SEC],
        ['b', BASE_SEC + 3_600],
      ] as const) {
        expect(await both.redis.record(host, at(timeSec), timeSec)).toBe(both.memory.record(host, at(timeSec), timeSec));
      }
      return both;
    }

    it('refuses a batch of it and a new host whole, as in memory, and keeps 2 hosts', async () => {
      const { memory, redis, prefix } = await bothWithExpiredA();
      const batch: HostSample[] = [
        { host: 'a', sample: at(laterSec) },
        { host: 'c', sample: at(laterSec) },
      ];
      expect(memory.recordBatch(batch, laterSec)).toBe('full');
      expect(await redis.recordBatch(batch, laterSec)).toBe('full');
      expect(await redis.hosts(laterSec)).toEqual(memory.hosts(laterSec));
      expect(await client.zrange(hostsKey(prefix), 0, -1)).toEqual(['b']);
    });

    it('records it alone, then refuses a new host, as in memory', async () => {
      const { memory, redis } = await bothWithExpiredA();
      expect(await redis.record('a', at(laterSec), laterSec)).toBe(memory.record('a', at(laterSec), laterSec));
      expect(await redis.record('c', at(laterSec), laterSec)).toBe('full');
      expect(memory.record('c', at(laterSec), laterSec)).toBe('full');
      expect(await redis.hosts(laterSec)).toEqual(memory.hosts(laterSec));
    });

    it('gives its place to a new host in a batch, as in memory', async () => {
      const { memory, redis } = await bothWithExpiredA();
      const batch: HostSample[] = [
        { host: 'c', sample: at(laterSec) },
        { host: 'b', sample: at(laterSec) },
      ];
      expect(await redis.recordBatch(batch, laterSec)).toBe('recorded');
      expect(memory.recordBatch(batch, laterSec)).toBe('recorded');
      expect((await redis.hosts(laterSec)).map((h) => h.host)).toEqual(['b', 'c']);
      expect(await redis.hosts(laterSec)).toEqual(memory.hosts(laterSec));
    });
  });

  describe('when a bulk request of more new hosts than one admission call takes does not fit', () => {
    it('gives back the places its first calls took, and records nothing, as in memory', async () => {
      const { memory, redis, prefix } = stores(2_500);
      const sample = { timeSec: BASE_SEC, cpuLoad: 1, memLoad: 2 };
      expect(await redis.record('known', sample, BASE_SEC)).toBe(memory.record('known', sample, BASE_SEC));
      // 2,500 new hosts: the first two calls of 1,000 fit under 2,500, the third does not.
      const batch: HostSample[] = [{ host: 'known', sample }, ...Array.from({ length: 2_500 }, (_, i) => ({ host: `new-${i}`, sample }))];
      expect(memory.recordBatch(batch, BASE_SEC)).toBe('full');
      expect(await redis.recordBatch(batch, BASE_SEC)).toBe('full');
      expect(await client.zrange(hostsKey(prefix), 0, -1)).toEqual(['known']);
      expect(await redis.hosts(BASE_SEC)).toEqual(memory.hosts(BASE_SEC));
      expect(await redis.report('known', 'last_minute', BASE_SEC)).toEqual(memory.report('known', 'last_minute', BASE_SEC));
      expect(await redis.recordBatch(batch.slice(0, 2_500), BASE_SEC)).toBe('recorded');
      expect(await redis.countHosts(BASE_SEC)).toBe(2_500);
    });
  });

  describe('when one bulk request brings many samples per host', () => {
    it('answers as the in-memory store, to the bit, with a host past one script call and the request past one round trip', async () => {
      const { memory, redis } = stores();
      // 12,000 samples: 3 hosts of 1,000 spread over a minute, and one host of 9,000 (9 script calls) spread over 2 hours.
      const entries: HostSample[] = [];
      for (let i = 0; i < 12_000; i++) {
        const busy = i % 4 === 0 || i >= 4_000;
        const host = busy ? 'busy' : `web-${i % 4}`;
        const ageSec = busy ? (i * 0.77) % 7_200 : (i * 0.37) % 60;
        entries.push({ host, sample: { timeSec: BASE_SEC - ageSec, cpuLoad: (i * 0.13) % 100, memLoad: ((i * 7) % 1_000) / 10 } });
      }
      expect(await redis.recordBatch(entries, BASE_SEC)).toBe(memory.recordBatch(entries, BASE_SEC));
      expect(await redis.hosts(BASE_SEC)).toEqual(memory.hosts(BASE_SEC));
      for (const host of ['busy', 'web-1', 'web-2', 'web-3'])
        for (const mode of MODES) expect(await redis.report(host, mode, BASE_SEC)).toEqual(memory.report(host, mode, BASE_SEC));
    });
  });

  describe('when one bulk request brings the samples of each host in time order', () => {
    it('answers as the in-memory store, to the bit, as the samples move every head across buckets', async () => {
      const { memory, redis } = stores();
      // 20 s into an hour: the last minute holds the end of the hour before, so samples inside
      // every window move the heads of seconds, of minutes and of the hour.
      const nowSec = Math.ceil(BASE_SEC / SECONDS_PER_HOUR) * SECONDS_PER_HOUR + 20;
      // Each host's newest sample inside every window, so its rings are all there.
      const seed: HostSample[] = ['a', 'b', 'c'].map((host) => ({
        host,
        sample: { timeSec: host === 'c' ? nowSec - 58 : nowSec - 59, cpuLoad: 3.3, memLoad: 4.4 },
      }));
      expect(await redis.recordBatch(seed, nowSec)).toBe(memory.recordBatch(seed, nowSec));
      // a: 40 samples 0 to 2.5 s apart over the last minute, some in the same second; b: the
      // same but one older than the one before it; c: the first older than its newest.
      // Only a's take the written-out path, as a whole.
      const entries: HostSample[] = [];
      let timeSec = nowSec - 59;
      for (let i = 0; i < 40; i++) {
        timeSec += [0, 0.7, 1.3, 2.5][i % 4];
        const sample = { timeSec, cpuLoad: (i * 1.37) % 100, memLoad: (i * 7.9) % 100 };
        entries.push({ host: 'a', sample });
        entries.push({ host: 'b', sample: i === 20 ? { ...sample, timeSec: timeSec - 1.8 } : sample });
        entries.push({ host: 'c', sample: i === 0 ? { ...sample, timeSec: nowSec - 58.5 } : sample });
      }
      expect(await redis.recordBatch(entries, nowSec)).toBe(memory.recordBatch(entries, nowSec));
      expect(await redis.hosts(nowSec)).toEqual(memory.hosts(nowSec));
      for (const host of ['a', 'b', 'c']) {
        for (const mode of MODES) expect(await redis.report(host, mode, nowSec)).toEqual(memory.report(host, mode, nowSec));
      }
    });
  });

  describe('when many single samples arrive in the same tick', () => {
    it('records every one, in call order, as the in-memory store does', async () => {
      const { memory, redis } = stores();
      const calls = Array.from({ length: 300 }, (_, i) => ({
        host: `web-${i % 7}`,
        sample: { timeSec: BASE_SEC - (i % 3), cpuLoad: (i * 0.1) % 100, memLoad: (i * 0.3) % 100 },
      }));
      const outcomes = await Promise.all(calls.map(({ host, sample }) => redis.record(host, sample, BASE_SEC)));
      expect(outcomes).toEqual(calls.map(({ host, sample }) => memory.record(host, sample, BASE_SEC)));
      expect(await redis.hosts(BASE_SEC)).toEqual(memory.hosts(BASE_SEC));
      for (let h = 0; h < 7; h++)
        expect(await redis.report(`web-${h}`, 'last_minute', BASE_SEC)).toEqual(memory.report(`web-${h}`, 'last_minute', BASE_SEC));
    });

    it('sends the samples of known hosts in as few script calls as their slots allow, in one pipeline per node', async () => {
      const { memory, redis, prefix } = stores();
      const hosts = Array.from({ length: 7 }, (_, h) => `web-${h}`);
      for (const host of hosts) {
        const first = { timeSec: BASE_SEC - 10, cpuLoad: 1, memLoad: 2 };
        memory.record(host, first, BASE_SEC);
        await redis.record(host, first, BASE_SEC);
      }
      const watch = watchRecordCalls(client);
      try {
        const samples = Array.from({ length: 300 }, (_, i) => ({
          host: hosts[i % 7],
          sample: { timeSec: BASE_SEC - (i % 2), cpuLoad: (i * 0.7) % 100, memLoad: (i * 0.9) % 100 },
        }));
        const outcomes = await Promise.all(samples.map(({ host, sample }) => redis.record(host, sample, BASE_SEC)));
        expect(outcomes).toEqual(samples.map(({ host, sample }) => memory.record(host, sample, BASE_SEC)));
        // web-0 … web-6 hash to 7 different slots. On one Redis, 300 writes go as 200 + 100
        // (HOSTS_PER_CALL) in one pipeline; on a cluster, one call per slot, one pipeline per node.
        const cluster = client instanceof Cluster ? client : undefined;
        const nodes = cluster ? new Set(hosts.map((host) => cluster.slots[calculateSlot(frontKey(prefix, host))].join())).size : 1;
        expect(watch.writesPerCall).toEqual(kind === 'redis' ? [200, 100] : [43, 43, 43, 43, 43, 43, 42]);
        expect(watch.pipelines).toBe(nodes);
      } finally {
        watch.restore();
      }
      for (const host of hosts)
        for (const mode of MODES) expect(await redis.report(host, mode, BASE_SEC)).toEqual(memory.report(host, mode, BASE_SEC));
    });
  });

  describe('when a known host sends single samples in time order', () => {
    // 30 s into an hour, the host's first sample 20 s ago: every sample below is inside every
    // window and in the same hour, so it waits in the front until folded.
    const nowSec = Math.ceil(BASE_SEC / SECONDS_PER_HOUR) * SECONDS_PER_HOUR + 30;
    const sampleAt = (i: number): Sample => ({ timeSec: nowSec - 20 + i * 0.6, cpuLoad: (i * 13.7) % 100, memLoad: (i * 3.1) % 100 });

    async function seeded(): Promise<{ memory: HostStore; redis: RedisStore; frontBytes: () => Promise<number> }> {
      const { memory, redis, prefix } = stores();
      memory.record('web-1', sampleAt(0), nowSec);
      expect(await redis.record('web-1', sampleAt(0), nowSec)).toBe('recorded');
      return { memory, redis, frontBytes: () => client.strlen(frontKey(prefix, 'web-1')) };
    }

    async function expectSameAnswers(memory: HostStore, redis: RedisStore): Promise<void> {
      expect(await redis.summary('web-1', nowSec)).toEqual(memory.summary('web-1', nowSec));
      for (const mode of MODES) expect(await redis.report('web-1', mode, nowSec)).toEqual(memory.report('web-1', mode, nowSec));
    }

    it(`appends each to its front, 32 bytes, and folds them into the heads when ${PENDING_MAX} wait`, async () => {
      const { memory, redis, frontBytes } = await seeded();
      expect(await frontBytes()).toBe(200);
      for (let i = 1; i < PENDING_MAX; i++) {
        memory.record('web-1', sampleAt(i), nowSec);
        expect(await redis.record('web-1', sampleAt(i), nowSec)).toBe('recorded');
        expect(await frontBytes()).toBe(200 + 32 * i);
        // The newest sample is the front's last 32 bytes, read without folding.
        expect(await redis.summary('web-1', nowSec)).toEqual(memory.summary('web-1', nowSec));
        expect(await redis.hosts(nowSec)).toEqual(memory.hosts(nowSec));
      }
      expect(await frontBytes()).toBe(200 + 32 * (PENDING_MAX - 1));
      memory.record('web-1', sampleAt(PENDING_MAX), nowSec);
      await redis.record('web-1', sampleAt(PENDING_MAX), nowSec);
      expect(await frontBytes()).toBe(200);
      await expectSameAnswers(memory, redis);
    });

    it('folds what waits when a report reads the host, and answers as the in-memory store', async () => {
      const { memory, redis, frontBytes } = await seeded();
      for (let i = 1; i <= 3; i++) {
        memory.record('web-1', sampleAt(i), nowSec);
        await redis.record('web-1', sampleAt(i), nowSec);
      }
      expect(await frontBytes()).toBe(200 + 3 * 32);
      expect(await redis.report('web-1', 'last_minute', nowSec)).toEqual(memory.report('web-1', 'last_minute', nowSec));
      expect(await frontBytes()).toBe(200);
      await expectSameAnswers(memory, redis);
    });

    it('folds what waits before a late sample, then adds the late one as the in-memory store does', async () => {
      const { memory, redis, frontBytes } = await seeded();
      const samples = [sampleAt(1), sampleAt(2), sampleAt(3), { ...sampleAt(4), timeSec: sampleAt(1).timeSec - 5 }];
      for (const sample of samples) {
        memory.record('web-1', sample, nowSec);
        await redis.record('web-1', sample, nowSec);
      }
      expect(await frontBytes()).toBe(200);
      await expectSameAnswers(memory, redis);
    });
  });

  describe('sums', () => {
    it('keep every bit: 1,000 samples of 0.1 average to what the in-memory store says', async () => {
      const { memory, redis } = stores();
      const entries: HostSample[] = Array.from({ length: 1_000 }, (_, i) => ({
        host: 'web-1',
        sample: { timeSec: BASE_SEC, cpuLoad: 0.1, memLoad: (i % 7) / 3 },
      }));
      memory.recordBatch(entries, BASE_SEC);
      await redis.recordBatch(entries, BASE_SEC);
      const [fromRedis] = ((await redis.report('web-1', 'last_minute', BASE_SEC)) ?? []).slice(-1);
      const [fromMemory] = (memory.report('web-1', 'last_minute', BASE_SEC) ?? []).slice(-1);
      // 0.1 added 1,000 times in doubles is not 100; the point is that both stores agree exactly.
      expect(fromRedis.cpuMean).toBe(fromMemory.cpuMean);
      expect(fromRedis.memMean).toBe(fromMemory.memMean);
      expect(fromRedis.samples).toBe(1_000);
    });
  });

  describe('keys', () => {
    // BASE_SEC is 800 s into its hour.
    const hourOfBase = BASE_SEC - 800;

    it('lays out one host as two keys named by its hash tag, in one slot, and scores it in the hosts set by the hour of its newest sample', async () => {
      const { redis, prefix } = stores();
      await redis.record('web-1', { timeSec: BASE_SEC, cpuLoad: 1, memLoad: 2 }, BASE_SEC);
      expect([frontKey(prefix, 'web-1'), ringsKey(prefix, 'web-1')]).toEqual([`${prefix}{web-1}:recent`, `${prefix}{web-1}:rings`]);
      expect(calculateSlot(frontKey(prefix, 'web-1'))).toBe(calculateSlot(ringsKey(prefix, 'web-1')));
      expect(await client.strlen(frontKey(prefix, 'web-1'))).toBe(32 + 3 * 56);
      expect(await client.strlen(ringsKey(prefix, 'web-1'))).toBe(144 * 56);
      expect(await client.zrange(hostsKey(prefix), 0, -1, 'WITHSCORES')).toEqual(['web-1', String(hourOfBase)]);
    });

    it('keeps a host seen only hours ago to the day ring, and grows it whole when a recent sample comes, keeping what it held', async () => {
      const { memory, redis, prefix } = stores();
      const key = ringsKey(prefix, 'web-1');
      const old: Sample = { timeSec: BASE_SEC - 7_200, cpuLoad: 0.1, memLoad: 0.2 };
      for (const store of [memory, redis]) await store.record('web-1', old, BASE_SEC);
      expect(await client.strlen(key)).toBe(24 * 56);
      const recent: Sample = { timeSec: BASE_SEC - 5, cpuLoad: 0.7, memLoad: 0.3 };
      for (const store of [memory, redis]) await store.recordBatch([{ host: 'web-1', sample: recent }], BASE_SEC);
      expect(await client.strlen(key)).toBe(144 * 56);
      for (const mode of MODES) expect(await redis.report('web-1', mode, BASE_SEC)).toEqual(memory.report('web-1', mode, BASE_SEC));
      expect(await redis.hosts(BASE_SEC)).toEqual(memory.hosts(BASE_SEC));
    });

    it('expire when the newest sample leaves the day window, set once per hour, not on every sample', async () => {
      const { redis, prefix } = stores();
      const keys = [frontKey(prefix, 'web-1'), ringsKey(prefix, 'web-1')];
      const ttls = (): Promise<number[]> => Promise.all(keys.map((key) => client.ttl(key)));
      await redis.record('web-1', { timeSec: BASE_SEC, cpuLoad: 1, memLoad: 2 }, BASE_SEC);
      expect(await ttls()).toEqual([hourOfBase + DAY_SEC - BASE_SEC, hourOfBase + DAY_SEC - BASE_SEC]);
      // 100 s later, same hour: no EXPIRE, so the TTL is still the one set at BASE_SEC (Redis's clock barely moved).
      await redis.record('web-1', { timeSec: BASE_SEC + 100, cpuLoad: 1, memLoad: 2 }, BASE_SEC + 100);
      expect(await ttls()).toEqual([hourOfBase + DAY_SEC - BASE_SEC, hourOfBase + DAY_SEC - BASE_SEC]);
      expect(await client.zscore(hostsKey(prefix), 'web-1')).toBe(String(hourOfBase));
      // The next hour: a new expiry from that hour on, and the score follows.
      const nextHourSec = hourOfBase + 3_600 + 200;
      await redis.recordBatch([{ host: 'web-1', sample: { timeSec: nextHourSec, cpuLoad: 1, memLoad: 2 } }], nextHourSec);
      expect(await ttls()).toEqual([hourOfBase + 3_600 + DAY_SEC - nextHourSec, hourOfBase + 3_600 + DAY_SEC - nextHourSec]);
      expect(await client.zscore(hostsKey(prefix), 'web-1')).toBe(String(hourOfBase + 3_600));
    });

    it('trims the hosts set by time when listing, with no KEYS scan', async () => {
      const { redis, prefix } = stores();
      await redis.record('old', { timeSec: BASE_SEC, cpuLoad: 1, memLoad: 2 }, BASE_SEC);
      await redis.record('new', { timeSec: BASE_SEC + DAY_SEC - 1, cpuLoad: 1, memLoad: 2 }, BASE_SEC + DAY_SEC - 1);
      expect((await redis.hosts(BASE_SEC + DAY_SEC)).map((h) => h.host)).toEqual(['new']);
      expect(await client.zrange(hostsKey(prefix), 0, -1)).toEqual(['new']);
    });
  });

  describe('shared by several processes (stores on one key prefix)', () => {
    function sharing(count: number, maxHosts: number, prefix = uniquePrefix()): RedisStore[] {
      return Array.from(
        { length: count },
        () => new RedisStore({ client, keyPrefix: prefix, maxHosts, commandTimeoutMs: TEST_COMMAND_TIMEOUT_MS }),
      );
    }

    const sample = { timeSec: BASE_SEC, cpuLoad: 1, memLoad: 2 };

    it('see each other’s hosts, deletes and the cap', async () => {
      const [a, b] = sharing(2, 2);
      expect(await a.record('web-1', sample, BASE_SEC)).toBe('recorded');
      expect(await b.record('web-2', sample, BASE_SEC)).toBe('recorded');
      expect(await a.record('web-3', sample, BASE_SEC)).toBe('full');
      expect(await b.record('web-1', sample, BASE_SEC)).toBe('recorded');
      expect(await b.forget('web-1', BASE_SEC)).toBe(true);
      expect(await a.report('web-1', 'last_minute', BASE_SEC)).toBeUndefined();
      expect(await a.record('web-3', sample, BASE_SEC)).toBe('recorded');
      expect((await b.hosts(BASE_SEC)).map((h) => h.host)).toEqual(['web-2', 'web-3']);
    });

    it('admit exactly the cap when many race for the last places', async () => {
      const prefix = uniquePrefix();
      const racers = sharing(12, 5, prefix);
      const outcomes = await Promise.all(racers.map((store, i) => store.record(`host-${i}`, sample, BASE_SEC)));
      expect(outcomes.filter((o) => o === 'recorded')).toHaveLength(5);
      expect(await client.zcard(hostsKey(prefix))).toBe(5);
    });

    it('refuse a whole batch whose new hosts do not fit, and record none of it', async () => {
      const [a, b] = sharing(2, 3);
      await a.record('web-1', sample, BASE_SEC);
      await b.record('web-2', sample, BASE_SEC);
      const batch: HostSample[] = [
        { host: 'web-1', sample: { ...sample, cpuLoad: 50 } },
        { host: 'web-3', sample },
        { host: 'web-4', sample },
      ];
      expect(await a.recordBatch(batch, BASE_SEC)).toBe('full');
      expect((await b.report('web-1', 'last_minute', BASE_SEC))?.at(-1)).toMatchObject({ samples: 1, cpuMean: 1 });
      expect((await b.hosts(BASE_SEC)).map((h) => h.host)).toEqual(['web-1', 'web-2']);
    });
  });
});

// One redis-server only: the cluster runs the same chunked code, but 100,000 hosts there take
// 20 to 50 s on a shared 2-core machine, where one chunk can stall past 1 s under load.
describe('RedisStore on redis with 100,000 distinct hosts and the default command timeout', () => {
  let client: RedisClient;

  beforeAll(async () => {
    client = await connectTestRedis('redis');
  });

  afterAll(async () => {
    await client.quit();
  });

  // Two hours old: only the last_day ring is written, so Redis holds about 150 MB, not 900.
  const HOST_COUNT = 100_000;
  const timeSec = BASE_SEC - 2 * 3_600;
  const entries: HostSample[] = Array.from({ length: HOST_COUNT }, (_, i) => ({
    host: `host-${String(i).padStart(6, '0')}`,
    sample: { timeSec, cpuLoad: i % 101, memLoad: 1 },
  }));

  it('records them in one bulk request and lists them all, every read and admission within the timeout', async () => {
    const redis = new RedisStore({ client, keyPrefix: uniquePrefix() });
    expect(redis.maxHosts).toBe(HOST_COUNT);
    expect(await redis.recordBatch(entries, BASE_SEC)).toBe('recorded');
    const listing = await redis.hosts(BASE_SEC);
    expect(listing).toHaveLength(HOST_COUNT);
    expect(listing[0]).toEqual({ host: 'host-000000', lastSeenSec: timeSec, cpuLoad: 0, memLoad: 1 });
    expect(listing[HOST_COUNT - 1]).toEqual({ host: 'host-099999', lastSeenSec: timeSec, cpuLoad: 99_999 % 101, memLoad: 1 });
    expect((await redis.report('host-050000', 'last_day', BASE_SEC))?.at(-3)).toMatchObject({ samples: 1, cpuMean: 50_000 % 101 });
    expect(await redis.countHosts(BASE_SEC)).toBe(HOST_COUNT);
  });
});
