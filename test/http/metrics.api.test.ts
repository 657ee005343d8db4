import { Express } from 'express';
import { AggregatorRegistry, Registry } from 'prom-client';
import request from '../helpers/api-request';
import { createApp } from '../../src/app';
import { AppMetrics } from '../../src/metrics/metrics';
import { HostStore } from '../../src/store/host-store';
import { Store } from '../../src/store/store';
import { SECONDS_PER_HOUR } from '../../src/store/time';
import { FakeClock, fakeClock } from '../helpers/fake-clock';
import { T0_SEC, postSample, testApp } from '../helpers/test-app';

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

interface MetricsApp {
  app: Express;
  metrics: AppMetrics;
  clock: FakeClock;
  /** Fake monotonic time; every request below takes `stepMs` between its two reads. */
  setRequestMs(ms: number): void;
}

function metricsApp(store?: Store): MetricsApp {
  const clock = fakeClock(T0_SEC);
  let stepMs = 1;
  let nowMs = 0;
  const monotonicMs = (): number => (nowMs += stepMs);
  const actualStore = store ?? new HostStore();
  const metrics = new AppMetrics({ store: actualStore, clock, monotonicMs });
  return { app: createApp({ store: actualStore, clock, metrics }), metrics, clock, setRequestMs: (ms) => (stepMs = ms) };
}

async function scrape(app: Express): Promise<string[]> {
  const res = await request(app).get('/metrics').expect(200);
  return res.text.split('\n');
}

/** The metric lines (no comments) whose name starts with `prefix`. */
async function series(app: Express, prefix: string): Promise<string[]> {
  return (await scrape(app)).filter((line) => line.startsWith(prefix));
}

describe('GET /metrics', () => {
  describe('on a fresh app', () => {
    it('answers in the Prometheus text format with process and servertrack metrics described', async () => {
      const { app } = metricsApp();
      const res = await request(app).get('/metrics').expect(200);
      expect(res.headers['content-type']).toBe(PROMETHEUS_TEXT);
      const lines = res.text.split('\n');
      expect(lines).toEqual(
        expect.arrayContaining([
          '# TYPE process_cpu_user_seconds_total counter',
          '# TYPE nodejs_heap_size_used_bytes gauge',
          '# HELP servertrack_samples_total Samples received, by result: accepted (recorded) or rejected (not recorded, whatever the reason)',
          '# TYPE servertrack_samples_total counter',
          '# TYPE servertrack_hosts gauge',
          'servertrack_hosts 0',
          '# TYPE servertrack_http_requests_total counter',
          '# TYPE servertrack_http_request_duration_seconds histogram',
        ]),
      );
    });

    it('answers HEAD with the headers and no body', async () => {
      const res = await request(metricsApp().app).head('/metrics').expect(200);
      expect(res.headers['content-type']).toBe(PROMETHEUS_TEXT);
      expect(res.text).toBeUndefined();
    });
  });

  describe('servertrack_samples_total', () => {
    it('counts recorded samples as accepted and refused ones as rejected', async () => {
      const { app } = metricsApp();
      await postSample(app, 'web-01', { cpuload: '10', memload: '20' }).expect(201);
      await postSample(app, 'web-02', { cpuload: '10', memload: '20' }).expect(201);
      await postSample(app, 'web-01', { cpuload: '101', memload: '20' }).expect(400);
      await request(app).post('/perf/web-01').type('json').send('{"cpuload":').expect(400);
      await request(app).get('/perf/web-01/last_hour').expect(200);

      expect(await series(app, 'servertrack_samples_total')).toEqual([
        'servertrack_samples_total{result="accepted"} 2',
        'servertrack_samples_total{result="rejected"} 2',
      ]);
    });
  });

  describe('servertrack_samples_total for bulk requests', () => {
    it('counts every entry of an accepted batch as accepted', async () => {
      const { app } = metricsApp();
      const batch = [
        { host: 'web-01', cpuload: 1, memload: 2 },
        { host: 'web-02', cpuload: 3, memload: 4 },
        { host: 'web-01', cpuload: 5, memload: 6 },
      ];
      await request(app).post('/perf').send(batch).expect(201, { accepted: 3 });
      await request(app).post('/perf').type('application/x-ndjson').send('{"host":"a","cpuload":1,"memload":2}\n').expect(201);
      expect(await series(app, 'servertrack_samples_total')).toEqual(['servertrack_samples_total{result="accepted"} 4']);
    });

    it('counts every entry of a rejected batch as rejected, and an unreadable body as one', async () => {
      const { app } = metricsApp();
      const batch = [
        { host: 'web-01', cpuload: 1, memload: 2 },
        { host: 'web-02', cpuload: 300, memload: 4 },
      ];
      await request(app).post('/perf').send(batch).expect(400);
      await request(app).post('/perf').type('json').send('[{"host":').expect(400);
      expect(await series(app, 'servertrack_samples_total')).toEqual(['servertrack_samples_total{result="rejected"} 3']);
      expect(await series(app, 'servertrack_http_requests_total')).toEqual([
        'servertrack_http_requests_total{method="POST",route="/perf",status="4xx"} 2',
        'servertrack_http_requests_total{method="GET",route="/metrics",status="2xx"} 1',
      ]);
    });
  });

  describe('servertrack_hosts', () => {
    it('reads the number of live hosts from the store at each scrape', async () => {
      const { app, clock } = metricsApp();
      await postSample(app, 'web-01', { cpuload: '10', memload: '20' }).expect(201);
      await postSample(app, 'WEB-01', { cpuload: '10', memload: '20' }).expect(201);
      await postSample(app, 'db-01', { cpuload: '10', memload: '20' }).expect(201);
      expect(await series(app, 'servertrack_hosts')).toEqual(['servertrack_hosts 2']);

      await request(app).delete('/perf/db-01').expect(204);
      expect(await series(app, 'servertrack_hosts')).toEqual(['servertrack_hosts 1']);

      clock.advance(25 * SECONDS_PER_HOUR);
      expect(await series(app, 'servertrack_hosts')).toEqual(['servertrack_hosts 0']);
    });

    it('awaits a store that answers with promises and has no count of its own', async () => {
      const clock = fakeClock(T0_SEC);
      const inner = new HostStore();
      inner.record('web-01', { timeSec: T0_SEC, cpuLoad: 1, memLoad: 2 }, clock());
      const asyncStore: Store = {
        maxHosts: inner.maxHosts,
        record: async (...args) => inner.record(...args),
        recordBatch: async (...args) => inner.recordBatch(...args),
        report: async (...args) => inner.report(...args),
        hosts: async (...args) => inner.hosts(...args),
        summary: async (...args) => inner.summary(...args),
        visitHosts: async (...args) => inner.visitHosts(...args),
        forget: async (...args) => inner.forget(...args),
      };
      const app = createApp({ store: asyncStore, clock });
      expect(await series(app, 'servertrack_hosts')).toEqual(['servertrack_hosts 1']);
    });

    it('answers 500 when the store fails during the scrape', async () => {
      const clock = fakeClock(T0_SEC);
      const store = new HostStore();
      store.countHosts = () => {
        throw new Error('store unreachable');
      };
      await request(createApp({ store, clock })).get('/metrics').expect(500, { error: 'internal error' });
    });
  });

  describe('servertrack_http_requests_total', () => {
    it('labels requests by route template and status class, never by host name', async () => {
      const { app } = metricsApp();
      await postSample(app, 'web-01', { cpuload: '10', memload: '20' }).expect(201);
      await postSample(app, 'web-02', { cpuload: '10', memload: '20' }).expect(201);
      await request(app).get('/perf/web-01/last_hour').expect(200);
      await request(app).get('/perf/unknown-host/last_hour').expect(404);
      await request(app).put('/perf').expect(405);
      await request(app).get('/no/such/path').expect(404);
      await request(app).get('/healthz').expect(200);

      const lines = await scrape(app);
      expect(lines.filter((line) => line.startsWith('servertrack_http_requests_total'))).toEqual([
        'servertrack_http_requests_total{method="POST",route="/perf/:host",status="2xx"} 2',
        'servertrack_http_requests_total{method="GET",route="/perf/:host/:mode",status="2xx"} 1',
        'servertrack_http_requests_total{method="GET",route="/perf/:host/:mode",status="4xx"} 1',
        'servertrack_http_requests_total{method="PUT",route="/perf",status="4xx"} 1',
        'servertrack_http_requests_total{method="GET",route="unmatched",status="4xx"} 1',
        'servertrack_http_requests_total{method="GET",route="/healthz",status="2xx"} 1',
      ]);
      expect(lines.join('\n')).not.toMatch(/web-0|unknown-host|no\/such/);
    });

    it('counts the scrape itself once it has been answered', async () => {
      const { app } = metricsApp();
      await scrape(app);
      expect(await series(app, 'servertrack_http_requests_total')).toEqual([
        'servertrack_http_requests_total{method="GET",route="/metrics",status="2xx"} 1',
      ]);
    });

    it('folds methods outside the usual set into OTHER', async () => {
      const { app } = metricsApp();
      await request(app).propfind('/perf').expect(405);
      expect(await series(app, 'servertrack_http_requests_total')).toEqual([
        'servertrack_http_requests_total{method="OTHER",route="/perf",status="4xx"} 1',
      ]);
    });
  });

  describe('when a token is required', () => {
    const TOKEN = 'scrape-token';
    const authorized = { Authorization: `Bearer ${TOKEN}` };

    it('labels requests refused before routing by the template their path fits', async () => {
      const { app } = testApp(T0_SEC, { authTokens: [TOKEN] });
      await postSample(app, 'web-01', { cpuload: '10', memload: '20' }).expect(401);
      await postSample(app, 'web-01', { cpuload: '10', memload: '20' }).set(authorized).expect(201);
      await request(app).get('/perf/web-01/last_hour?fill=true').expect(401);
      await request(app).get('/metrics').expect(401);
      await request(app).get('/perf/web-01/last_hour/extra').expect(401);

      const res = await request(app).get('/metrics').set(authorized).expect(200);
      const lines = res.text.split('\n');
      expect(lines.filter((line) => line.startsWith('servertrack_http_requests_total'))).toEqual([
        'servertrack_http_requests_total{method="POST",route="/perf/:host",status="4xx"} 1',
        'servertrack_http_requests_total{method="POST",route="/perf/:host",status="2xx"} 1',
        'servertrack_http_requests_total{method="GET",route="/perf/:host/:mode",status="4xx"} 1',
        'servertrack_http_requests_total{method="GET",route="/metrics",status="4xx"} 1',
        'servertrack_http_requests_total{method="GET",route="unmatched",status="4xx"} 1',
      ]);
      expect(lines.filter((line) => line.startsWith('servertrack_samples_total'))).toEqual([
        'servertrack_samples_total{result="accepted"} 1',
        'servertrack_samples_total{result="rejected"} 1',
      ]);
    });
  });

  describe('servertrack_http_request_duration_seconds', () => {
    it('puts each request in the bucket of its duration (3 ms, then exactly on the 0.5 s bound)', async () => {
      const { app, setRequestMs } = metricsApp();
      setRequestMs(3);
      await postSample(app, 'web-01', { cpuload: '10', memload: '20' }).expect(201);
      setRequestMs(500);
      await postSample(app, 'web-01', { cpuload: '10', memload: '20' }).expect(201);

      const lines = await series(app, 'servertrack_http_request_duration_seconds');
      const post = lines.filter((line) => line.includes('route="/perf/:host"'));
      expect(post).toEqual([
        'servertrack_http_request_duration_seconds_bucket{le="0.0001",method="POST",route="/perf/:host",status="2xx"} 0',
        'servertrack_http_request_duration_seconds_bucket{le="0.00025",method="POST",route="/perf/:host",status="2xx"} 0',
        'servertrack_http_request_duration_seconds_bucket{le="0.0005",method="POST",route="/perf/:host",status="2xx"} 0',
        'servertrack_http_request_duration_seconds_bucket{le="0.001",method="POST",route="/perf/:host",status="2xx"} 0',
        'servertrack_http_request_duration_seconds_bucket{le="0.0025",method="POST",route="/perf/:host",status="2xx"} 0',
        'servertrack_http_request_duration_seconds_bucket{le="0.005",method="POST",route="/perf/:host",status="2xx"} 1',
        'servertrack_http_request_duration_seconds_bucket{le="0.01",method="POST",route="/perf/:host",status="2xx"} 1',
        'servertrack_http_request_duration_seconds_bucket{le="0.025",method="POST",route="/perf/:host",status="2xx"} 1',
        'servertrack_http_request_duration_seconds_bucket{le="0.05",method="POST",route="/perf/:host",status="2xx"} 1',
        'servertrack_http_request_duration_seconds_bucket{le="0.1",method="POST",route="/perf/:host",status="2xx"} 1',
        'servertrack_http_request_duration_seconds_bucket{le="0.25",method="POST",route="/perf/:host",status="2xx"} 1',
        'servertrack_http_request_duration_seconds_bucket{le="0.5",method="POST",route="/perf/:host",status="2xx"} 2',
        'servertrack_http_request_duration_seconds_bucket{le="1",method="POST",route="/perf/:host",status="2xx"} 2',
        'servertrack_http_request_duration_seconds_bucket{le="2.5",method="POST",route="/perf/:host",status="2xx"} 2',
        'servertrack_http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/perf/:host",status="2xx"} 2',
        'servertrack_http_request_duration_seconds_sum{method="POST",route="/perf/:host",status="2xx"} 0.503',
        'servertrack_http_request_duration_seconds_count{method="POST",route="/perf/:host",status="2xx"} 2',
      ]);
    });
  });

  describe('registries', () => {
    it('keep the counts of two apps apart', async () => {
      const first = metricsApp();
      const second = metricsApp();
      await postSample(first.app, 'web-01', { cpuload: '10', memload: '20' }).expect(201);
      expect(await series(second.app, 'servertrack_samples_total')).toEqual([]);
      expect(await series(first.app, 'servertrack_samples_total')).toEqual(['servertrack_samples_total{result="accepted"} 1']);
    });
  });

  describe('across node:cluster workers', () => {
    it('sum with prom-client AggregatorRegistry, histogram buckets included', async () => {
      const workers = [metricsApp(), metricsApp()];
      for (const { app } of workers) await postSample(app, 'web-01', { cpuload: '10', memload: '20' }).expect(201);
      const perWorker = await Promise.all(workers.map(({ metrics }) => Registry.merge(metrics.registries.slice(1)).getMetricsAsJSON()));

      const text = await AggregatorRegistry.aggregate(perWorker).metrics();
      const lines = text.split('\n');
      expect(lines).toEqual(
        expect.arrayContaining([
          'servertrack_samples_total{result="accepted"} 2',
          'servertrack_http_requests_total{method="POST",route="/perf/:host",status="2xx"} 2',
          'servertrack_http_request_duration_seconds_bucket{le="0.001",method="POST",route="/perf/:host",status="2xx"} 2',
          'servertrack_http_request_duration_seconds_count{method="POST",route="/perf/:host",status="2xx"} 2',
          'servertrack_http_request_duration_seconds_sum{method="POST",route="/perf/:host",status="2xx"} 0.002',
        ]),
      );
    });
  });

  describe('wrong methods', () => {
    it('answer 405 with the Allow header', async () => {
      const res = await request(metricsApp().app).post('/metrics').expect(405);
      expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
      expect(res.body).toEqual({ error: 'method POST is not allowed here; allowed: GET, HEAD, OPTIONS' });
    });
  });
});
