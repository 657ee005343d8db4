/*
 * What clients see when Redis goes away, slows down, and comes back: 503 "store unavailable"
 * within the command timeout, /healthz 503 with the reason, then recovery on its own. This
 * file runs its own redis-server, since it kills it.
 */
import { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../src/app';
import { RedisStore } from '../../src/store/redis/redis-store';
import { RedisClient, connectRedis } from '../../src/store/redis/connection';
import { fakeClock } from '../helpers/fake-clock';
import { RedisServer, startRedisServer } from '../helpers/redis-server';
import { T0_SEC } from '../helpers/test-app';

jest.setTimeout(60_000);

const COMMAND_TIMEOUT_MS = 300;
/** What "within a bounded time" allows on a busy 2-core machine: the timeout plus scheduling. */
const ANSWER_BOUND_MS = COMMAND_TIMEOUT_MS + 700;
const RECOVERY_TIMEOUT_MS = 10_000;

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + RECOVERY_TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; elapsedMs: number }> {
  const startedMs = Date.now();
  const result = await work();
  return { result, elapsedMs: Date.now() - startedMs };
}

describe('the Redis store when Redis fails', () => {
  let redis: RedisServer;
  let client: RedisClient;
  let app: Express;

  beforeAll(async () => {
    redis = await startRedisServer();
    client = connectRedis({ url: redis.url, commandTimeoutMs: COMMAND_TIMEOUT_MS });
    client.on('error', () => undefined); // reconnect attempts while it is down; the store reports them
    await new Promise((resolve) => client.once('ready', resolve));
    const clock = fakeClock(T0_SEC);
    app = createApp({ clock, store: new RedisStore({ client, commandTimeoutMs: COMMAND_TIMEOUT_MS }) });
  });

  afterAll(async () => {
    client.disconnect();
    await redis.stop();
  });

  const post = (cpuload: number): request.Test => request(app).post('/perf/web-01').send({ cpuload, memload: 50 });

  describe('when Redis is stopped and restarted mid-test', () => {
    it('answers 503 within the bound while it is down, then recovers by itself', async () => {
      await post(10).expect(201);
      await request(app).get('/healthz').expect(200, { status: 'ok' });

      await redis.kill();

      for (const send of [() => post(20), () => request(app).get('/perf/web-01/last_minute'), () => request(app).get('/perf')]) {
        const { result, elapsedMs } = await timed(() => send());
        expect(result.status).toBe(503);
        expect(result.body).toEqual({ error: 'store unavailable' });
        expect(result.headers['retry-after']).toBe('1');
        expect(elapsedMs).toBeLessThan(ANSWER_BOUND_MS);
      }
      const health = await request(app).get('/healthz').expect(503);
      expect(health.body.status).toBe('unavailable');
      expect(health.body.reason).toMatch(/^redis: /);

      await redis.restart(); // empty: persistence is off, as in the brief for tests
      await until('the service to recover', async () => (await request(app).get('/healthz')).status === 200);

      await post(30).expect(201);
      const report = await request(app).get('/perf/web-01/last_minute').expect(200);
      // Only the sample Redis confirmed after the restart: the 503 one was never reported accepted.
      expect(report.body).toEqual([
        {
          time: '2026-11-27T14:05:30Z',
          interval: 1,
          samples: 1,
          cpuload: 30,
          memload: 50,
          cpuload_min: 30,
          cpuload_max: 30,
          memload_min: 50,
          memload_max: 50,
        },
      ]);
    });
  });

  describe('when Redis is too slow', () => {
    it('answers 503 after the command timeout instead of waiting, and records nothing it did not confirm', async () => {
      await until('redis to be back', async () => (await request(app).get('/healthz')).status === 200);
      const admin = connectRedis({ url: redis.url, commandTimeoutMs: 5_000 });
      await new Promise((resolve) => admin.once('ready', resolve));
      try {
        await admin.call('CLIENT', 'PAUSE', '1500', 'ALL');
        const { result, elapsedMs } = await timed(() => request(app).post('/perf/slow-01').send({ cpuload: 1, memload: 2 }));
        expect(result.status).toBe(503);
        expect(result.body).toEqual({ error: 'store unavailable' });
        expect(elapsedMs).toBeGreaterThanOrEqual(COMMAND_TIMEOUT_MS - 50);
        expect(elapsedMs).toBeLessThan(ANSWER_BOUND_MS);
      } finally {
        await admin.call('CLIENT', 'UNPAUSE');
        admin.disconnect();
      }
      await until('requests to succeed again', async () => (await request(app).get('/perf')).status === 200);
    });
  });
});
