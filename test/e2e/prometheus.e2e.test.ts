/*
 * Debian's prometheus scrapes a ServerTrack process, /metrics and /metrics/hosts, with a
 * read token, as docs/prometheus.md configures it; its HTTP API then returns the host's loads.
 */
import { PrometheusProcess, startPrometheus } from '../helpers/prometheus-process';
import { ServerProcess, startServerProcess } from '../helpers/server-process';

jest.setTimeout(60_000);

const READ_TOKEN = 'prometheus-token';
const INGEST_TOKEN = 'agent-token';
const QUERY_TIMEOUT_MS = 30_000;
const QUERY_POLL_MS = 200;

function scrapeConfig(target: string): string {
  const job = (name: string, metricsPath: string, authorization: string): string => `
  - job_name: ${name}
    metrics_path: ${metricsPath}${authorization}
    static_configs:
      - targets: ['${target}']`;
  const withToken = `
    authorization:
      credentials: ${READ_TOKEN}`;
  return `global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:${job('servertrack', '/metrics', withToken)}${job('servertrack-hosts', '/metrics/hosts', withToken)}${job('servertrack-no-token', '/metrics/hosts', '')}
`;
}

describe('Prometheus scraping ServerTrack (real prometheus)', () => {
  let tracker: ServerProcess | undefined;
  let prometheus: PrometheusProcess | undefined;

  afterAll(async () => {
    await prometheus?.stop();
    await tracker?.stop();
  });

  /** The value of `promql`'s only series, once Prometheus has one; the wait is on its answers, not a fixed time. */
  async function valueOnce(promql: string): Promise<string> {
    const deadline = Date.now() + QUERY_TIMEOUT_MS;
    for (;;) {
      const result = await prometheus!.query(promql);
      if (result.length === 1) return result[0].value;
      if (result.length > 1) throw new Error(`${promql} returned ${result.length} series: ${JSON.stringify(result)}`);
      if (Date.now() > deadline)
        throw new Error(`no series for ${promql} within ${QUERY_TIMEOUT_MS} ms; prometheus said:\n${prometheus!.output()}`);
      await new Promise((resolve) => setTimeout(resolve, QUERY_POLL_MS));
    }
  }

  beforeAll(async () => {
    tracker = await startServerProcess({ SERVERTRACK_READ_TOKEN: READ_TOKEN, SERVERTRACK_INGEST_TOKEN: INGEST_TOKEN });
    const posted = await fetch(`${tracker.baseUrl}/perf/web-01`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${INGEST_TOKEN}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'cpuload=12.5&memload=40.1',
    });
    expect(posted.status).toBe(201);
    prometheus = await startPrometheus(scrapeConfig(new URL(tracker.baseUrl).host));
  });

  it("returns the host's cpu and memory load through its query API", async () => {
    expect(await valueOnce('servertrack_host_cpu_load_percent{job="servertrack-hosts",host="web-01"}')).toBe('12.5');
    expect(await valueOnce('servertrack_host_memory_load_percent{job="servertrack-hosts",host="web-01"}')).toBe('40.1');
    expect(await valueOnce('servertrack_host_cpu_load_last_minute_percent{job="servertrack-hosts",host="web-01"}')).toBe('12.5');
  });

  it('scrapes /metrics with the token too', async () => {
    expect(await valueOnce('servertrack_hosts{job="servertrack"}')).toBe('1');
    expect(await valueOnce('up{job="servertrack"}')).toBe('1');
  });

  it('is refused without the token: the target is down', async () => {
    expect(await valueOnce('up{job="servertrack-no-token"}')).toBe('0');
    expect(await valueOnce('up{job="servertrack-hosts"}')).toBe('1');
  });
});
