/*
 * Entry point: loads the config, builds the app, listens, and closes cleanly on SIGTERM,
 * SIGINT and SIGHUP (stop-signals.ts). The only file that reads the environment and the real clock.
 */
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { createApp } from './app';
import { runPrimary } from './cluster';
import { serveClusterMetrics } from './metrics/cluster-metrics';
import { AppMetrics } from './metrics/metrics';
import { Config, describeSettings, loadConfig } from './config';
import { clientErrorHandler } from './http/client-errors';
import { capConnections } from './http/connection-cap';
import { openApiWarning } from './http/listen-warning';
import { serverTimeoutOptions } from './http/server-timeouts';
import { createHttpServer } from './http/http-server';
import { guardIdleConnections } from './http/idle-connections';
import { Logger, createLogger } from './logger';
import { Snapshotter } from './snapshot/snapshotter';
import { openStore } from './store/open-store';
import { STOP_SIGNALS, WORKER_STOP_SIGNALS } from './stop-signals';
import { MS_PER_SECOND, systemClock } from './store/time';

const IDLE_CLOSE_INTERVAL_MS = 50;

export interface RunningServer {
  server: Server;
  port: number;
  /** Stops accepting, lets in-flight requests finish (up to the grace period), then resolves. */
  close(): Promise<void>;
}

/** The package version, read at run time so dist/ and ts-node agree. */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const clock = systemClock;
  const opened = openStore(config.store, logger, config.maxHosts);
  const store = opened.store;
  // Snapshots are for the in-memory store only (config refuses them with Redis, which keeps its own data).
  const memory = opened.memory;
  const snapshots =
    config.snapshotPath === undefined || memory === undefined
      ? undefined
      : new Snapshotter({ store: memory, clock, logger, filePath: config.snapshotPath, intervalSec: config.snapshotIntervalSec });
  snapshots?.load(); // before listening: nothing is served from a half-loaded store
  const bulkLimits = { maxSamples: config.bulkMaxSamples, maxBytes: config.bulkMaxBytes };
  const metrics = new AppMetrics({ store, clock, clusterWide: cluster.isWorker });
  const app = createApp({
    store,
    clock,
    logger,
    bulkLimits,
    authTokens: config.authTokens,
    ingestTokens: config.ingestTokens,
    readTokens: config.readTokens,
    corsOrigins: config.corsOrigins,
    staleAfterSec: config.staleAfterSec,
    metrics,
  });
  await opened.ready();
  const server = createHttpServer(app, serverTimeoutOptions(config));
  server.on('clientError', clientErrorHandler(config));
  capConnections(server, config.maxConnections, logger, clock);
  const stopIdleGuard = guardIdleConnections(server, config);
  server.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });

  const warning = openApiWarning(config.host, config.authTokens.length + config.ingestTokens.length + config.readTokens.length);
  // Once per server, not once per worker: the other workers share the same settings.
  if (warning !== undefined && (cluster.worker?.id ?? 1) === 1) logger.warn(warning);

  // Forgetting silent hosts is O(hosts), so it runs on a timer, never inside a request.
  const sweeper = memory && setInterval(() => memory.sweep(clock()), config.sweepIntervalSec * MS_PER_SECOND);
  sweeper?.unref();
  snapshots?.start();

  const closeHttp = (): Promise<void> =>
    new Promise((resolve) => {
      if (sweeper) clearInterval(sweeper);
      stopIdleGuard();
      // Past the grace period, connections still busy are cut so shutdown is bounded.
      const deadline = setTimeout(() => server.closeAllConnections(), config.shutdownGraceSec * MS_PER_SECOND);
      deadline.unref();
      // Keep-alive sockets turn idle when their last response ends; close them as they do.
      const idleCloser = setInterval(() => server.closeIdleConnections(), IDLE_CLOSE_INTERVAL_MS);
      server.close(() => {
        clearTimeout(deadline);
        clearInterval(idleCloser);
        resolve();
      });
      server.closeIdleConnections();
    });
  // The last snapshot is written once no request can change the store any more.
  const close = async (): Promise<void> => {
    await closeHttp();
    await snapshots?.stop();
    await opened.close();
  };

  return { server, port: (server.address() as AddressInfo).port, close };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (config.workers > 1 && cluster.isPrimary) {
    serveClusterMetrics();
    runPrimary({
      workers: config.workers,
      logger,
      settings: describeSettings(config),
      version: packageVersion(),
      shutdownGraceSec: config.shutdownGraceSec,
    });
    return;
  }
  const running = await startServer(config, logger);
  const worker = cluster.isWorker ? { worker: cluster.worker?.id } : {};
  logger.info(
    { version: packageVersion(), port: running.port, settings: describeSettings(config), ...worker },
    `servertrack listening on http://${config.host}:${running.port}`,
  );
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing in-flight requests');
    running.close().then(
      () => {
        logger.info('stopped');
        logger.flush();
        process.exit(0);
      },
      () => {
        logger.flush(); // the failure is already logged
        process.exit(1);
      },
    );
  };
  const stopSignals = cluster.isWorker ? WORKER_STOP_SIGNALS : STOP_SIGNALS;
  for (const signal of STOP_SIGNALS) {
    process.on(
      signal,
      stopSignals.includes(signal) ? stop : () => logger.info({ signal }, 'signal left to the primary, which stops the workers'),
    );
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    // Still one JSON line, so a log stack sees why the service is down; the config (and so
    // LOG_LEVEL) may be what failed, hence a logger of its own.
    const message = err instanceof Error ? err.message : String(err);
    createLogger('info').fatal(`servertrack failed to start: ${message}`);
    process.exit(1);
  });
}
