/*
 * SERVERTRACK_WORKERS=N: the primary process forks N workers with node:cluster; each runs
 * the whole server (server.ts) and they share the listening port, so N cores serve
 * requests. Workers hold no data of their own (config refuses N > 1 without Redis).
 *
 * The primary only supervises: a worker that dies is replaced; SIGTERM, SIGINT and SIGHUP
 * are passed on as SIGTERM, and the primary exits 0 once every worker has finished its
 * in-flight requests; a worker still running a second after the grace period is killed.
 * Metrics: the primary also sums the workers' metrics for /metrics (metrics/cluster-metrics.ts).
 */
import cluster, { Worker } from 'node:cluster';
import { Logger } from './logger';
import { STOP_SIGNALS } from './stop-signals';
import { MS_PER_SECOND } from './store/time';

/** A worker dying faster than this after its start is not restarted again and again. */
const RESTART_BACKOFF_MS = 1000;
/**
 * Workers cut their own connections at the end of the grace period, then quit Redis (one
 * round trip): a worker still running this long after the grace period is stuck.
 */
const STUCK_WORKER_MARGIN_MS = 1000;

interface PrimaryOptions {
  workers: number;
  logger: Logger;
  settings: Record<string, unknown>;
  version: string;
  /** How long workers get to finish their requests on a stop signal before they are killed. */
  shutdownGraceSec: number;
}

export function runPrimary({ workers, logger, settings, version, shutdownGraceSec }: PrimaryOptions): void {
  let stopping = false;
  const startedAtMs = new Map<Worker, number>();
  // Restarts waiting out their back-off: a stop cancels them, or they would fork a worker no one stops.
  const pendingRestarts = new Set<NodeJS.Timeout>();
  const fork = (): void => {
    startedAtMs.set(cluster.fork(), Date.now());
  };
  const exitOnceAllGone = (): void => {
    if (startedAtMs.size > 0) return;
    logger.info('stopped');
    logger.flush();
    process.exit(0);
  };

  cluster.on('exit', (worker, code, signal) => {
    const livedMs = Date.now() - (startedAtMs.get(worker) ?? 0);
    startedAtMs.delete(worker);
    if (stopping) {
      exitOnceAllGone();
      return;
    }
    logger.error({ worker: worker.id, code, signal }, 'worker exited; starting a new one');
    const restart = setTimeout(
      () => {
        pendingRestarts.delete(restart);
        fork();
      },
      livedMs < RESTART_BACKOFF_MS ? RESTART_BACKOFF_MS : 0,
    );
    pendingRestarts.add(restart);
  });

  for (let i = 0; i < workers; i++) fork();
  logger.info({ version, workers, settings }, `servertrack primary started ${workers} workers`);

  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: workers finish their in-flight requests');
    for (const restart of pendingRestarts) clearTimeout(restart);
    pendingRestarts.clear();
    for (const worker of startedAtMs.keys()) worker.process.kill('SIGTERM');
    // A stuck worker must not keep the primary, and so the service manager, waiting for ever.
    setTimeout(
      () => {
        logger.error({ workers: [...startedAtMs.keys()].map((w) => w.id) }, 'workers still running after the grace period: killing them');
        for (const worker of startedAtMs.keys()) worker.process.kill('SIGKILL');
      },
      shutdownGraceSec * MS_PER_SECOND + STUCK_WORKER_MARGIN_MS,
    );
    exitOnceAllGone(); // every worker may be waiting out a back-off, so none is left to exit
  };
  for (const signal of STOP_SIGNALS) process.on(signal, stop);
}
