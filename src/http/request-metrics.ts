/*
 * The per-request half of the metrics: a middleware on the hot path. It reads the clock
 * once when a request arrives and once when its response has gone out, then updates
 *
 *   servertrack_http_requests_total{method, route, status}
 *   servertrack_http_request_duration_seconds{method, route, status}
 *   servertrack_samples_total{result}          (sample POSTs only)
 *
 * Labels come from small fixed sets so cardinality stays bounded whatever clients send:
 * route is the matched route template ("/perf/:host", never the host itself), also for
 * requests answered before routing (a 401), or "unmatched"; method is one of METHODS or "OTHER"; status is a class ("2xx").
 * Label objects are built once per combination and reused, so a request allocates none.
 */
import { NextFunction, Request, RequestHandler, Response } from 'express';
import { Counter, Histogram, Registry } from 'prom-client';
import { matchTemplate, routeTemplates } from './route-template';

export const UNMATCHED_ROUTE = 'unmatched';
/** The route that records one sample per request. */
export const SAMPLE_ROUTE = '/perf/:host';
/** The route that records many; its handler tells the count with countSamples(). */
export const BULK_ROUTE = '/perf';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;
const OTHER_METHOD = 'OTHER';
const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
const STATUS_CLASS_COUNT = STATUS_CLASSES.length;
const MS_PER_SECOND = 1000;

/** Upper bounds in seconds: from 0.1 ms (a sample POST) up to 2.5 s (a slow report on a networked store). */
export const DURATION_BUCKETS_SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

const STARTED_MS = Symbol('metricsStartedMs');
const SAMPLE_COUNT = Symbol('metricsSampleCount');

interface TimedResponse extends Response {
  [STARTED_MS]: number;
  [SAMPLE_COUNT]?: number;
}

type HttpLabels = { method: string; route: string; status: string };

function methodIndex(method: string): number {
  switch (method) {
    case 'GET':
      return 0;
    case 'HEAD':
      return 1;
    case 'POST':
      return 2;
    case 'PUT':
      return 3;
    case 'DELETE':
      return 4;
    case 'PATCH':
      return 5;
    case 'OPTIONS':
      return 6;
    default:
      return METHODS.length;
  }
}

function statusClassIndex(statusCode: number): number {
  const index = Math.floor(statusCode / 100) - 1;
  return index >= 0 && index < STATUS_CLASS_COUNT ? index : STATUS_CLASS_COUNT - 1;
}

/** How many samples a bulk request carried, for servertrack_samples_total; call before answering. */
export function countSamples(res: Response, count: number): void {
  (res as TimedResponse)[SAMPLE_COUNT] = count;
}

export class RequestMetrics {
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly durations: Histogram<'method' | 'route' | 'status'>;
  private readonly acceptedLabels = { result: 'accepted' } as const;
  private readonly rejectedLabels = { result: 'rejected' } as const;
  /** route template → label objects indexed by method × status class. */
  private readonly labelsByRoute = new Map<string, HttpLabels[]>();
  private templates: string[] | undefined;

  constructor(
    registry: Registry,
    private readonly samples: Counter<'result'>,
    /** A monotonic clock in milliseconds; tests pass a fake one to get exact durations. */
    private readonly monotonicMs: () => number = () => performance.now(),
  ) {
    this.requests = new Counter({
      name: 'servertrack_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status class',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    });
    this.durations = new Histogram({
      name: 'servertrack_http_request_duration_seconds',
      help: 'Time from a request arriving to its response being handed to the socket, by method, route template and status class',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: DURATION_BUCKETS_SECONDS,
      registers: [registry],
    });
  }

  middleware(): RequestHandler {
    // One listener function shared by every response (`this` is the response), so a request
    // allocates no closure.
    const observe = (res: TimedResponse): void => this.observe(res);
    const monotonicMs = this.monotonicMs;
    function onFinish(this: TimedResponse): void {
      observe(this);
    }
    return (_req: Request, res: Response, next: NextFunction): void => {
      (res as TimedResponse)[STARTED_MS] = monotonicMs();
      res.on('finish', onFinish);
      next();
    };
  }

  private observe(res: TimedResponse): void {
    const seconds = (this.monotonicMs() - res[STARTED_MS]) / MS_PER_SECOND;
    const req = res.req;
    const path: unknown = req.route?.path;
    const route = typeof path === 'string' ? path : this.templateOf(req);
    const status = res.statusCode;
    const labels = this.labelsFor(route, req.method, status);
    this.requests.inc(labels);
    this.durations.observe(labels, seconds);
    if (req.method === 'POST') this.countSamplesOf(route, status, res[SAMPLE_COUNT]);
  }

  /** For a request answered before routing (401, 404): the template its path fits, if any. */
  private templateOf(req: Request): string {
    // Read once, at the first such request: every route is registered before the app serves.
    this.templates ??= routeTemplates(req.app.router as Parameters<typeof routeTemplates>[0]);
    const url = req.originalUrl;
    const queryAt = url.indexOf('?');
    return matchTemplate(this.templates, queryAt === -1 ? url : url.slice(0, queryAt)) ?? UNMATCHED_ROUTE;
  }

  private countSamplesOf(route: string, status: number, bulkCount: number | undefined): void {
    if (route !== SAMPLE_ROUTE && route !== BULK_ROUTE) return;
    // A bulk body that could not be read as entries still carried at least one sample.
    const count = route === SAMPLE_ROUTE ? 1 : (bulkCount ?? 1);
    if (status >= 200 && status < 300) this.samples.inc(this.acceptedLabels, count);
    else this.samples.inc(this.rejectedLabels, count);
  }

  private labelsFor(route: string, method: string, status: number): HttpLabels {
    let table = this.labelsByRoute.get(route);
    if (table === undefined) {
      table = [];
      this.labelsByRoute.set(route, table);
    }
    const m = methodIndex(method);
    const s = statusClassIndex(status);
    const index = m * STATUS_CLASS_COUNT + s;
    let labels = table[index];
    if (labels === undefined) {
      labels = { method: m < METHODS.length ? METHODS[m] : OTHER_METHOD, route, status: STATUS_CLASSES[s] };
      table[index] = labels;
    }
    return labels;
  }
}
