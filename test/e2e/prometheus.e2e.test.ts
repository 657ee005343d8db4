/*
 * Debian's prometheus scrapes a ServerTrack process, /metrics and /metrics/hosts, with a
 * read token, through examples/prometheus.yml (docs/prometheus.md); its HTTP API then returns
 * the host's loads, and answers every query of examples/grafana-dashboard.json.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { PrometheusProcess, startPrometheus } from '../helpers/prometheus-process';
import { ROOT_DIR, ServerProcess, startServerProcess } from '../helpers/server-process';

jest.setTimeout(60_000);

const READ_TOKEN = 'prometheus-token';
const INGEST_TOKEN = 'agent-token';
const QUERY_TIMEOUT_MS = 30_000;
const QUERY_POLL_MS = 200;

interface ScrapeJob {
  job_name: string;
  metrics_path: string;
  authorization?: { credentials: string };
  static_configs: { targets: string[] }[];
}

/**
 * examples/prometheus.yml, as docs/prometheus.md shows it, pointed at `target` with the test's
 * token and scraped every second; plus a job without the token, which must find the target down.
 */
function scrapeConfig(target: string): string {
  const config = parse(readFileSync(path.join(ROOT_DIR, 'examples', 'prometheus.yml'), 'utf8')) as {
    global: Record<string, string>;
    scrape_configs: ScrapeJob[];
  };
  config.global.scrape_interval = '1s';
  config.global.scrape_timeout = '1s';
  for (const job of config.scrape_configs) {
    expect(job.static_configs).toEqual([{ targets: ['tracker:8080'] }]);
    expect(job.authorization).toEqual({ credentials: 's3cret-read-token' });
    job.static_configs = [{ targets: [target] }];
    job.authorization = { credentials: READ_TOKEN };
  }
  expect(config.scrape_configs.map((job) => [job.job_name, job.metrics_path])).toEqual([
    ['servertrack', '/metrics'],
    ['servertrack-hosts', '/metrics/hosts'],
  ]);
  const withoutToken = { ...config.scrape_configs[1], job_name: 'servertrack-no-token' };
  delete withoutToken.authorization;
  config.scrape_configs.push(withoutToken);
  return stringify(config);
}

interface GrafanaPanel {
  title: string;
  targets: { expr: string }[];
}

/** Every PromQL expression of examples/grafana-dashboard.json, with its $host variable as Grafana's "All" (.*) sends it. */
function dashboardQueries(): { title: string; expr: string }[] {
  const dashboard = JSON.parse(readFileSync(path.join(ROOT_DIR, 'examples', 'grafana-dashboard.json'), 'utf8')) as {
    panels: GrafanaPanel[];
  };
  return dashboard.panels.flatMap((panel) =>
    panel.targets.map((target) => ({ title: panel.title, expr: target.expr.replaceAll('$host', '.*') })),
  );
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

  it.each(dashboardQueries())('answers the Grafana panel "$title": $expr', async ({ expr }) => {
    const expected: Record<string, string> = {
      'servertrack_host_cpu_load_last_minute_percent{host=~".*"}': '12.5',
      'servertrack_host_memory_load_last_minute_percent{host=~".*"}': '40.1',
      'count(time() - servertrack_host_last_seen_timestamp_seconds{host=~".*"} > 120) or vector(0)': '0',
      'avg(servertrack_host_cpu_load_last_minute_percent{host=~".*"})': '12.5',
      'max(servertrack_host_cpu_load_last_minute_percent{host=~".*"})': '12.5',
    };
    expect(await valueOnce(expr)).toBe(expected[expr]);
  });

  it('is refused without the token: the target is down', async () => {
    expect(await valueOnce('up{job="servertrack-no-token"}')).toBe('0');
    expect(await valueOnce('up{job="servertrack-hosts"}')).toBe('1');
  });
});
