/*
 * A child process of bench:redis ("Redis busy"): single-sample records straight into a
 * RedisStore, no HTTP in front, as fast as the store takes them, a fixed number in flight
 * (as many connections would have them). Through HTTP on this machine Redis idles between
 * calls, and a call after an idle spell runs two to three times slower than one in a busy
 * stream; a shard's capacity is set by the busy figure, so this measures that one.
 *
 *   argv   the built redis-store.js to drive (this checkout's or an earlier revision's),
 *          the Redis port, a key prefix, warm-up seconds, measured seconds, records in flight
 *   prints one line of JSON: { samples, commandUs, cpuUs }, what Redis spent while those
 *          samples were recorded (redis-stats.ts)
 */
import Redis from 'ioredis';
import type { Store } from '../../src/store/store';
import { RedisCostMeter } from './redis-stats';

const HOSTS = 1_000;
const MS_PER_SEC = 1_000;

async function main(): Promise<void> {
  const [storeModule, port, keyPrefix, warmupSec, durationSec, inFlight] = process.argv.slice(2);
  const { RedisStore } = (await import(storeModule)) as { RedisStore: new (options: object) => Pick<Store, 'record'> };
  const client = new Redis({ host: '127.0.0.1', port: Number(port) });
  const store = new RedisStore({ client, keyPrefix, commandTimeoutMs: 10_000 });
  let next = 0;
  let recorded = 0;
  let stopAtMs = 0;
  const recordUntilStop = async (): Promise<void> => {
    while (performance.now() < stopAtMs) {
      const n = next++;
      const nowSec = Date.now() / MS_PER_SEC;
      const outcome = await store.record(`host-${n % HOSTS}`, { timeSec: nowSec, cpuLoad: (n % 100) + 0.5, memLoad: 50 }, nowSec);
      if (outcome !== 'recorded') throw new Error(`record answered ${outcome}`);
      recorded++;
    }
  };
  const run = async (seconds: number): Promise<number> => {
    recorded = 0;
    stopAtMs = performance.now() + seconds * MS_PER_SEC;
    await Promise.all(Array.from({ length: Number(inFlight) }, recordUntilStop));
    return recorded;
  };
  await run(Number(warmupSec));
  const meter = new RedisCostMeter([Number(port)]);
  await meter.start();
  const samples = await run(Number(durationSec));
  const [spent] = await meter.stop();
  meter.close();
  client.disconnect();
  console.log(JSON.stringify({ samples, commandUs: spent.commandUs, cpuUs: spent.cpuUs }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
