/*
 * The per-request half of the metrics, on the hot path. It reads the clock once when a
 * request arrives and once when its response is handed to the socket, then updates
 *
 *   servertrack_http_requests_total{method, route, status}
 *   servertrack_http_request_duration_seconds{method, route, status}
 *   servertrack_samples_total{result}          (sample POSTs only)
 *
 * Labels come from small fixed sets so cardinality stays bounded whatever clients send:
 * route is the matched route template ("/perf/:host", never the host itself), also for
 * requests answered before routing (a 401), or "unmatched"; method is one of METHODS or "OTHER"; status is a class ("2xx").
 * A request only bumps plain numbers (request-series.ts); prom-client gets them when
 * Prometheus scrapes, so its label hashing stays off the hot path.
 */
import { Express, NextFunction, Request, Response } from 'express';
import { Counter, Histogram, MetricType, Registry } from 'prom-client';
import { MS_PER_SECOND } from '../store/time';
import { SeriesTable } from './request-series';
import { matchTemplate, routeTemplates } from './route-template';

const UNMATCHED_ROUTE = 'unmatched';
/** The route that records one sample per request. */
const SAMPLE_ROUTE = '/perf/:host';
/** The route that records many; its handler tells the count with countSamples(). */
const BULK_ROUTE = '/perf';

/** Upper bounds in seconds: from 0.1 ms (a sample POST) up to 2.5 s (a slow report on a networked store). */
const DURATION_BUCKETS_SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

const DURATION_NAME = 'servertrack_http_request_duration_seconds';
const DURATION_HELP = 'Time from a request arriving to its response being handed to the socket, by method, route template and status class';
const STARTED_MS = Symbol('metricsStartedMs');
const SAMPLE_COUNT = Symbol('metricsSampleCount');

interface TimedResponse extends Response {
  [STARTED_MS]: number;
  [SAMPLE_COUNT]?: number;
}

type HttpLabel = 'method' | 'route' | 'status';

/** How many samples a bulk request carried, for servertrack_samples_total; call before answering. */
export function countSamples(res: Response, count: number): void {
  (res as TimedResponse)[SAMPLE_COUNT] = count;
}

/**
 * A histogram whose values come from a SeriesTable instead of observe(). get() is what a
 * Registry (and a cluster AggregatorRegistry) reads; getForPromString() is what the text
 * format prefers when a metric has it. Both answer the same values.
 */
class SeriesHistogram extends Histogram<HttpLabel | 'le'> {
  constructor(
    private readonly table: SeriesTable,
    registry: Registry,
  ) {
    super({
      name: DURATION_NAME,
      help: DURATION_HELP,
      labelNames: ['method', 'route', 'status'],
      buckets: [...table.boundsSeconds],
      registers: [registry],
    });
  }

  override async get(): ReturnType<Histogram<HttpLabel | 'le'>['get']> {
    const bucketName = `${DURATION_NAME}_bucket`;
    const bounds = this.table.boundsSeconds;
    const values = [];
    for (const series of this.table.all) {
      let cumulative = 0;
      for (let i = 0; i < bounds.length; i++) {
        cumulative += series.bucketCounts[i];
        values.push({ labels: { le: bounds[i], ...series.labels }, value: cumulative, metricName: bucketName });
      }
      values.push({ labels: { le: '+Inf', ...series.labels }, value: series.count, metricName: bucketName });
      values.push({ labels: { ...series.labels }, value: series.sumSeconds, metricName: `${DURATION_NAME}_sum` });
      values.push({ labels: { ...series.labels }, value: series.count, metricName: `${DURATION_NAME}_count` });
    }
    return {
      name: DURATION_NAME,
      help: DURATION_HELP,
      type: 'histogram' as unknown as MetricType,
      values,
      aggregator: 'sum',
      collect: () => undefined,
    };
  }

  getForPromString(): ReturnType<SeriesHistogram['get']> {
    return this.get();
  }
}

export class RequestMetrics {
  private readonly table = new SeriesTable(DURATION_BUCKETS_SECONDS);
  private accepted = 0;
  private rejected = 0;
  private templates: string[] | undefined;

  constructor(
    registry: Registry,
    /** A monotonic clock in milliseconds; tests pass a fake one to get exact durations. */
    private readonly monotonicMs: () => number = () => performance.now(),
  ) {
    const table = this.table;
    new Counter<HttpLabel>({
      name: 'servertrack_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status class',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
      collect() {
        this.reset();
        for (const series of table.all) this.inc(series.labels, series.count);
      },
    });
    new SeriesHistogram(table, registry);
    const samples = (): { accepted: number; rejected: number } => ({ accepted: this.accepted, rejected: this.rejected });
    new Counter<'result'>({
      name: 'servertrack_samples_total',
      help: 'Samples received, by result: accepted (recorded) or rejected (not recorded, whatever the reason)',
      labelNames: ['result'],
      registers: [registry],
      collect() {
        const { accepted, rejected } = samples();
        this.reset();
        if (accepted > 0) this.inc({ result: 'accepted' }, accepted);
        if (rejected > 0) this.inc({ result: 'rejected' }, rejected);
      },
    });
  }

  /**
   * Times every request of `app`: a middleware notes when a request arrives, and the app's
   * response prototype's end() counts it as its response is handed to the socket. Not a
   * 'finish' listener: node's server already listens for 'finish' on every response, and a
   * second listener turns that into an array which every emit then copies.
   */
  instrument(app: Express): void {
    const monotonicMs = this.monotonicMs;
    app.use((_req: Request, res: Response, next: NextFunction): void => {
      (res as TimedResponse)[STARTED_MS] = monotonicMs();
      next();
    });
    const observe = (res: TimedResponse): void => this.observe(res);
    // app.response is this app's own prototype of every response, so only its responses see this.
    const end = app.response.end as (this: Response, ...args: unknown[]) => Response;
    app.response.end = function endAndCount(this: TimedResponse, ...args: unknown[]): Response {
      // A second end() changes nothing on the wire, so it is not counted again.
      if (!this.writableEnded && this[STARTED_MS] !== undefined) observe(this);
      return end.apply(this, args);
    } as Response['end'];
  }

  private observe(res: TimedResponse): void {
    const seconds = (this.monotonicMs() - res[STARTED_MS]) / MS_PER_SECOND;
    const req = res.req;
    const path: unknown = req.route?.path;
    const route = typeof path === 'string' ? path : this.templateOf(req);
    const method = req.method;
    const status = res.statusCode;
    this.table.observe(route, method, status, seconds);
    if (method === 'POST' && (route === SAMPLE_ROUTE || route === BULK_ROUTE)) {
      // A bulk body that could not be read as entries still carried at least one sample.
      const count = route === SAMPLE_ROUTE ? 1 : (res[SAMPLE_COUNT] ?? 1);
      if (status >= 200 && status < 300) this.accepted += count;
      else this.rejected += count;
    }
  }

  /** For a request answered before routing (401, 404): the template its path fits, if any. */
  private templateOf(req: Request): string {
    // Read once, at the first such request: every route is registered before the app serves.
    this.templates ??= routeTemplates(req.app.router as Parameters<typeof routeTemplates>[0]);
    const url = req.originalUrl;
    const queryAt = url.indexOf('?');
    return matchTemplate(this.templates, queryAt === -1 ? url : url.slice(0, queryAt)) ?? UNMATCHED_ROUTE;
  }
}
