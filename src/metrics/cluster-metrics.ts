/*
 * Metrics with SERVERTRACK_WORKERS > 1. Every worker counts its own requests, and a scrape
 * reaches one worker at random, so a worker alone cannot answer /metrics. It asks the
 * primary instead, which collects every worker's registries with prom-client's
 * AggregatorRegistry and sums them (a gauge read from the shared store, such as
 * servertrack_hosts, is taken once, not summed):
 *
 *   scrape → worker ──servertrack:metrics-request──► primary ──prom-client:getMetricsReq──► every worker
 *            worker ◄─servertrack:metrics-response── primary ◄─prom-client:getMetricsRes── every worker
 */
import cluster from 'node:cluster';
import { AggregatorRegistry, Registry } from 'prom-client';

const METRICS_REQUEST = 'servertrack:metrics-request';
const METRICS_RESPONSE = 'servertrack:metrics-response';
/** Longer than AggregatorRegistry's own 5 s limit on the workers' answers. */
const SCRAPE_TIMEOUT_MS = 6_000;

interface MetricsMessage {
  type?: string;
  id?: number;
  text?: string;
  error?: string;
}

/** In the primary: answers each worker's request with the sum of every worker's metrics. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: MetricsMessage) => {
    if (message?.type !== METRICS_REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: METRICS_RESPONSE, id: message.id, text }),
      (err: Error) => worker.send({ type: METRICS_RESPONSE, id: message.id, error: err.message }),
    );
  });
}

/** In a worker: offers `registries` to the primary and returns a scrape of the whole cluster. */
export function clusterScrape(registries: Registry[]): () => Promise<string> {
  // Constructing one is what makes prom-client answer the primary's requests in this worker.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries(registries);
  const pending = new Map<number, { resolve(text: string): void; reject(err: Error): void; timer: NodeJS.Timeout }>();
  let nextId = 0;
  process.on('message', (message: MetricsMessage) => {
    if (message?.type !== METRICS_RESPONSE || message.id === undefined) return;
    const waiting = pending.get(message.id);
    if (waiting === undefined) return;
    pending.delete(message.id);
    clearTimeout(waiting.timer);
    if (message.error !== undefined) waiting.reject(new Error(`cluster metrics: ${message.error}`));
    else waiting.resolve(message.text ?? '');
  });
  return () =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`cluster metrics: no answer from the primary within ${SCRAPE_TIMEOUT_MS} ms`));
      }, SCRAPE_TIMEOUT_MS);
      pending.set(id, { resolve, reject, timer });
      process.send?.({ type: METRICS_REQUEST, id });
    });
}
