/*
 * bench:redis, "Redis busy": single-sample records straight into a RedisStore (no HTTP),
 * many in flight, the store's process on the server core and redis-server alone on the
 * other (busy-redis-driver.ts), for this checkout's store and, with BENCH_REDIS_BEFORE,
 * the earlier revision's, in the same rounds. Through HTTP Redis idles between calls on
 * this machine, and its command time per sample then says more about waking up than about
 * the script; here it is as busy as one process can make it, as a loaded shard is.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { SERVER_CORE, pinned, tsNodeArgs } from './cores';
import { DURATION_SEC, WARMUP_SEC } from './rounds';
import { ROOT_DIR } from './server-process';

const DRIVER = path.join(__dirname, 'busy-redis-driver.ts');
/** Records in flight: enough that the store sends the fullest script calls it makes (script-calls.ts HOSTS_PER_CALL). */
export const BUSY_IN_FLIGHT = 1_000;

export interface BusyStore {
  name: string;
  /** A built redis-store.js. */
  storeModule: string;
}

export interface BusyResult {
  samplesPerSec: number;
  /** What Redis spent per sample recorded, in µs. */
  commandUs: number;
  cpuUs: number;
}

/** The store a build's dist/server.js sits beside. */
export function storeModuleOf(serverPath: string): string {
  return path.join(path.dirname(serverPath), 'store', 'redis', 'redis-store.js');
}

/** One measurement of `store` against the standalone Redis on `port`, its keys under `keyPrefix`. */
export function measureBusyRedis(store: BusyStore, port: number, keyPrefix: string): Promise<BusyResult> {
  const driverArgs = [store.storeModule, String(port), keyPrefix, String(WARMUP_SEC), String(DURATION_SEC), String(BUSY_IN_FLIGHT)];
  const [command, args] = pinned(SERVER_CORE, process.execPath, [...tsNodeArgs(DRIVER), ...driverArgs]);
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: ROOT_DIR }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`${store.name}: ${err.message}\n${stderr}`));
        return;
      }
      const { samples, commandUs, cpuUs } = JSON.parse(stdout.trim().split('\n').pop() ?? '') as Record<string, number>;
      resolve({ samplesPerSec: samples / DURATION_SEC, commandUs: commandUs / samples, cpuUs: cpuUs / samples });
    });
  });
}
