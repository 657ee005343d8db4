/*
 * SERVERTRACK_WORKERS=N: the primary process forks N workers with node:cluster; each runs
 * the whole server (server.ts) and they share the listening port, so N cores serve
 * requests. Workers hold no data of their own (config refuses N > 1 without Redis).
 *
 * The primary only supervises: a worker that dies is replaced; SIGTERM/SIGINT are passed
 * on, and the primary exits once every worker has finished its in-flight requests.
 * Metrics: the primary also sums the workers' metrics for /metrics (http/cluster-metrics.ts).
 */
import cluster, { Worker } from 'node:cluster';
import { Logger } from './logger';

/** A worker dying faster than this after its start is not restarted again and again. */
const RESTART_BACKOFF_MS = 1000;

export interface PrimaryOptions {
  workers: number;
  logger: Logger;
  settings: Record<string, unknown>;
  version: string;
}

export function runPrimary({ workers, logger, settings, version }: PrimaryOptions): void {
  let stopping = false;
  const startedAtMs = new Map<Worker, number>();
  const fork = (): void => {
    startedAtMs.set(cluster.fork(), Date.now());
  };

  cluster.on('exit', (worker, code, signal) => {
    const livedMs = Date.now() - (startedAtMs.get(worker) ?? 0);
    startedAtMs.delete(worker);
    if (stopping) {
      if (startedAtMs.size === 0) {
        logger.info('stopped');
        logger.flush();
        process.exit(0);
      }
      return;
    }
    logger.error({ worker: worker.id, code, signal }, 'worker exited; starting a new one');
    setTimeout(fork, livedMs < RESTART_BACKOFF_MS ? RESTART_BACKOFF_MS : 0);
  });

  for (let i = 0; i < workers; i++) fork();
  logger.info({ version, workers, settings }, `servertrack primary started ${workers} workers`);

  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: workers finish their in-flight requests');
    for (const worker of startedAtMs.keys()) worker.process.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
