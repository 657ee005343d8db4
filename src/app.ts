/*
 * createApp wires routes, the 404 and the error middleware around a store and a clock.
 * It never listens: server.ts does, and tests drive the app through supertest.
 */
import express, { Express, NextFunction, Request, Response } from 'express';
import { accessLog } from './http/access-log';
import { PROTECTED_PATHS, ScopedTokens, bearerAuth, hasTokens } from './http/auth';
import { BulkLimits } from './http/bulk';
import { corsPolicy } from './http/cors';
import { dashboardRouter } from './http/dashboard';
import { errorHandler, methodNotAllowed } from './http/errors';
import { securityHeaders } from './http/security-headers';
import { AppMetrics } from './metrics/metrics';
import { hostLimitWarnings } from './http/host-cap';
import { openApiHandler } from './http/openapi';
import { allowQuery } from './http/query-params';
import { perfRoutes } from './http/routes';
import { responseCompression } from './http/response-compression';
import { Logger, silentLogger } from './logger';
import { DEFAULT_STALE_AFTER_SEC } from './fleet/status';
import { HostStore } from './store/host-store';
import { Store } from './store/store';
import { Clock, systemClock } from './store/time';

export interface AppOptions {
  clock?: Clock;
  store?: Store;
  logger?: Logger;
  bulkLimits?: BulkLimits; // POST /perf; DEFAULT_BULK_LIMITS when absent
  authTokens?: readonly string[]; // full-access bearer tokens for /perf and /metrics
  ingestTokens?: readonly string[]; // tokens that may only record samples (POST)
  readTokens?: readonly string[]; // tokens that may only read (GET, HEAD); no token of any kind (the default) leaves the API open
  corsOrigins?: readonly string[]; // origins allowed by CORS, or ['*']; none (the default) sends no CORS headers
  staleAfterSec?: number; // a host whose newest sample is older is listed as stale; DEFAULT_STALE_AFTER_SEC when absent
  /**
   * Built here when absent; passed in to read its registries (tests, a cluster primary).
   * false: no /metrics and no per-request metrics work (the baseline bench/metrics-cost measures against).
   */
  metrics?: AppMetrics | false;
}

export function createApp(options: AppOptions = {}): Express {
  const clock = options.clock ?? systemClock;
  const store: Store = options.store ?? new HostStore();
  const logger = options.logger ?? silentLogger;
  const metrics = options.metrics === false ? undefined : (options.metrics ?? new AppMetrics({ store, clock }));

  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders());
  // Registered only at debug, so the default hot path does no logging work at all.
  if (logger.isLevelEnabled('debug')) app.use(accessLog(logger));
  metrics?.requests.instrument(app);

  // Before auth: a browser's preflight carries no token. Absent unless origins are configured.
  const corsOrigins = options.corsOrigins ?? [];
  if (corsOrigins.length > 0) app.use(corsPolicy(corsOrigins));

  // Not registered at all when open, so the hot path does no auth work unless asked to.
  const tokens: ScopedTokens = { full: options.authTokens ?? [], ingest: options.ingestTokens ?? [], read: options.readTokens ?? [] };
  if (hasTokens(tokens)) app.use(PROTECTED_PATHS, bearerAuth(tokens));

  const warnHostLimit = hostLimitWarnings(logger, store.maxHosts);
  const onHostLimit = (nowSec: number): void => {
    metrics?.countHostLimitRejection();
    warnHostLimit(nowSec);
  };
  const staleAfterSec = options.staleAfterSec ?? DEFAULT_STALE_AFTER_SEC;
  const perf = perfRoutes({ store, clock, staleAfterSec, bulkLimits: options.bulkLimits, onHostLimit });
  // The request sent most, a sample POST, goes no further than this: every layer above is one
  // it needs, every route below one it would only be matched against (sample-fast-route.ts).
  app.use(perf.fastSampleRoute);
  app.use(responseCompression());

  app
    .route('/healthz')
    .get(allowQuery(), (_req: Request, res: Response, next: NextFunction) => {
      if (store.health === undefined) {
        res.json({ status: 'ok' });
        return;
      }
      // 503 with the reason, so a load balancer stops routing here while the store is away.
      store.health().then((health) => {
        if (health.ok) res.json({ status: 'ok' });
        else res.status(503).json({ status: 'unavailable', reason: health.reason });
      }, next);
    })
    .all(methodNotAllowed(['GET', 'HEAD']));

  if (metrics !== undefined) {
    app
      .route('/metrics')
      .get(allowQuery(), metrics.handler())
      .all(methodNotAllowed(['GET', 'HEAD']));
  }

  app
    .route('/openapi.json')
    .get(allowQuery(), openApiHandler())
    .all(methodNotAllowed(['GET', 'HEAD']));

  app.use(perf.router);
  // After the API, so /perf requests never touch the file system looking for a page.
  app.use(dashboardRouter());

  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: `no route for ${req.method} ${req.path}` });
  });
  app.use(errorHandler((err) => logger.error({ err }, 'request failed')));
  return app;
}
