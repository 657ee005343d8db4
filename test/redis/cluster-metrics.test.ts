import http from 'node:http';
import { ServerProcess, startServerProcess } from '../helpers/server-process';

jest.setTimeout(60_000);

const WORKERS = 2;
const HOSTS = 20;

/** One request on a connection of its own, so the cluster spreads them over the workers. */
function send(baseUrl: string, method: string, path: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers =
      body === undefined ? {} : { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(Buffer.byteLength(body)) };
    const req = http.request(`${baseUrl}${path}`, { method, agent: false, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe(`/metrics with SERVERTRACK_WORKERS=${WORKERS}`, () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess(
      {
        SERVERTRACK_STORE: 'redis',
        REDIS_URL: process.env.REDIS_TEST_URL ?? '',
        REDIS_KEY_PREFIX: `cluster-metrics-${process.pid}:`,
        SERVERTRACK_WORKERS: String(WORKERS),
      },
      { listeningLines: WORKERS },
    );
  });

  afterAll(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
  });

  it('answers for every worker, whichever worker the scrape reaches', async () => {
    for (let i = 0; i < HOSTS; i++) {
      expect((await send(server.baseUrl, 'POST', `/perf/host-${i}`, 'cpuload=1&memload=2')).status).toBe(201);
    }

    for (let scrape = 0; scrape < 2 * WORKERS; scrape++) {
      const res = await send(server.baseUrl, 'GET', '/metrics');
      expect(res.status).toBe(200);
      const lines = res.text.split('\n');
      expect(lines).toEqual(
        expect.arrayContaining([
          `servertrack_samples_total{result="accepted"} ${HOSTS}`,
          `servertrack_http_requests_total{method="POST",route="/perf/:host",status="2xx"} ${HOSTS}`,
          `servertrack_http_request_duration_seconds_count{method="POST",route="/perf/:host",status="2xx"} ${HOSTS}`,
          // Read from the shared store by each worker: once, not once per worker.
          `servertrack_hosts ${HOSTS}`,
        ]),
      );
    }
  });
});
