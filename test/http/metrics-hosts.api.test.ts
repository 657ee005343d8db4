import request from '../helpers/api-request';
import { PROMETHEUS_TEXT_TYPE } from '../../src/http/metrics-hosts';
import { T0_SEC, postSample, testApp } from '../helpers/test-app';

const HELP_AND_TYPE = {
  cpu: [
    "# HELP servertrack_host_cpu_load_percent CPU load of the host's newest sample, in percent (0-100)",
    '# TYPE servertrack_host_cpu_load_percent gauge',
  ],
  mem: [
    "# HELP servertrack_host_memory_load_percent Memory load of the host's newest sample, in percent (0-100)",
    '# TYPE servertrack_host_memory_load_percent gauge',
  ],
  lastSeen: [
    "# HELP servertrack_host_last_seen_timestamp_seconds Time of the host's newest sample, in seconds since the epoch",
    '# TYPE servertrack_host_last_seen_timestamp_seconds gauge',
  ],
  cpuMinute: [
    '# HELP servertrack_host_cpu_load_last_minute_percent Mean CPU load of every sample of the host in the last minute (the last_minute window), in percent; absent when it holds none',
    '# TYPE servertrack_host_cpu_load_last_minute_percent gauge',
  ],
  memMinute: [
    '# HELP servertrack_host_memory_load_last_minute_percent Mean memory load of every sample of the host in the last minute (the last_minute window), in percent; absent when it holds none',
    '# TYPE servertrack_host_memory_load_last_minute_percent gauge',
  ],
};

/** The exposition as lines, the text's final newline included as a last empty line. */
function exposition(lines: Record<keyof typeof HELP_AND_TYPE, string[]>): string {
  const families = Object.keys(HELP_AND_TYPE) as (keyof typeof HELP_AND_TYPE)[];
  return families.map((family) => [...HELP_AND_TYPE[family], ...lines[family]].join('\n') + '\n').join('');
}

const EMPTY = exposition({ cpu: [], mem: [], lastSeen: [], cpuMinute: [], memMinute: [] });

describe('GET /metrics/hosts', () => {
  it('answers the five families with no series before any sample', async () => {
    const res = await request(testApp().app).get('/metrics/hosts').expect(200);
    expect(res.headers['content-type']).toBe(PROMETHEUS_TEXT_TYPE);
    expect(res.text).toBe(EMPTY);
    // Sized, and not hashed for an ETag nobody asks for.
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(EMPTY)));
    expect(res.headers.etag).toBeUndefined();
  });

  it("gives each host its newest sample, its time and its last minute's exact means, hosts in name order", async () => {
    const { app, clock } = testApp();
    await postSample(app, 'web-02', { cpuload: '0.1', memload: '30', time: String(T0_SEC - 20) }).expect(201);
    await postSample(app, 'web-02', { cpuload: '0.2', memload: '31' }).expect(201);
    await postSample(app, 'db-01', { cpuload: '90', memload: '70.5', time: String(T0_SEC - 1.5) }).expect(201);
    clock.advance(0.25);

    const res = await request(app).get('/metrics/hosts').expect(200);

    expect(res.text).toBe(
      exposition({
        cpu: ['servertrack_host_cpu_load_percent{host="db-01"} 90', 'servertrack_host_cpu_load_percent{host="web-02"} 0.2'],
        mem: ['servertrack_host_memory_load_percent{host="db-01"} 70.5', 'servertrack_host_memory_load_percent{host="web-02"} 31'],
        lastSeen: [
          `servertrack_host_last_seen_timestamp_seconds{host="db-01"} ${T0_SEC - 1.5}`,
          `servertrack_host_last_seen_timestamp_seconds{host="web-02"} ${T0_SEC}`,
        ],
        // (0.1 + 0.2) / 2 is 0.15000000000000002 in doubles; rounded to 12 digits like every load on the wire.
        cpuMinute: [
          'servertrack_host_cpu_load_last_minute_percent{host="db-01"} 90',
          'servertrack_host_cpu_load_last_minute_percent{host="web-02"} 0.15',
        ],
        memMinute: [
          'servertrack_host_memory_load_last_minute_percent{host="db-01"} 70.5',
          'servertrack_host_memory_load_last_minute_percent{host="web-02"} 30.5',
        ],
      }),
    );
  });

  describe('when a host has no sample in the last minute', () => {
    it('leaves its last-minute series out and keeps its newest sample and last-seen time', async () => {
      const { app, clock } = testApp();
      await postSample(app, 'web-01', { cpuload: '12.5', memload: '40' }).expect(201);
      // The last_minute window is the 60 one-second buckets ending with the current one.
      clock.advance(60);

      const res = await request(app).get('/metrics/hosts').expect(200);

      expect(res.text).toBe(
        exposition({
          cpu: ['servertrack_host_cpu_load_percent{host="web-01"} 12.5'],
          mem: ['servertrack_host_memory_load_percent{host="web-01"} 40'],
          lastSeen: [`servertrack_host_last_seen_timestamp_seconds{host="web-01"} ${T0_SEC}`],
          cpuMinute: [],
          memMinute: [],
        }),
      );
    });

    it('still counts a sample 59 seconds old', async () => {
      const { app, clock } = testApp();
      await postSample(app, 'web-01', { cpuload: '12.5', memload: '40' }).expect(201);
      clock.advance(59);
      const res = await request(app).get('/metrics/hosts').expect(200);
      expect(res.text).toContain('\nservertrack_host_cpu_load_last_minute_percent{host="web-01"} 12.5\n');
    });
  });

  it('sends a fleet larger than one chunk whole, with its exact Content-Length', async () => {
    const { app } = testApp();
    const samples = Array.from({ length: 1_000 }, (_, i) => ({
      host: `host-${String(i).padStart(4, '0')}`,
      cpuload: i % 100,
      memload: 50,
    }));
    await request(app).post('/perf').send(samples).expect(201);

    const res = await request(app).get('/metrics/hosts').expect(200);

    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.text)));
    const cpuLines = res.text.split('\n').filter((line) => line.startsWith('servertrack_host_cpu_load_percent{'));
    expect(cpuLines).toEqual(samples.map((s) => `servertrack_host_cpu_load_percent{host="${s.host}"} ${s.cpuload}`));
    expect(res.text.split('\n').filter((line) => line.startsWith('servertrack_host_')).length).toBe(5 * 1_000);
  });

  it('leaves out hosts whose newest sample has left the day window', async () => {
    const { app, clock } = testApp();
    await postSample(app, 'web-01', { cpuload: '12.5', memload: '40' }).expect(201);
    clock.advance(25 * 3600);
    const res = await request(app).get('/metrics/hosts').expect(200);
    expect(res.text).toBe(EMPTY);
  });

  describe('filters', () => {
    async function fleet(): Promise<ReturnType<typeof testApp>> {
      const test = testApp(T0_SEC, { staleAfterSec: 120 });
      for (const [host, ageSec] of [
        ['web-01', 0],
        ['web-02', 121],
        ['db-01', 120],
        ['cache-1', 3000],
      ] as const) {
        await postSample(test.app, host, { cpuload: '1', memload: '2', time: String(T0_SEC - ageSec) }).expect(201);
      }
      return test;
    }

    async function hostsListed(path: string): Promise<string[]> {
      const { app } = await fleet();
      const res = await request(app).get(path).expect(200);
      return [...res.text.matchAll(/^servertrack_host_last_seen_timestamp_seconds\{host="([^"]+)"\}/gm)].map((m) => m[1]);
    }

    it.each([
      ['/metrics/hosts', ['cache-1', 'db-01', 'web-01', 'web-02']],
      ['/metrics/hosts?match=web-*', ['web-01', 'web-02']],
      ['/metrics/hosts?match=WEB-0?', ['web-01', 'web-02']],
      ['/metrics/hosts?match=db-01&match=cache-*', ['cache-1', 'db-01']],
      ['/metrics/hosts?match=nothing', []],
      // Stale once the newest sample is more than 120 s old: db-01, exactly 120 s, is live.
      ['/metrics/hosts?status=live', ['db-01', 'web-01']],
      ['/metrics/hosts?status=stale', ['cache-1', 'web-02']],
      ['/metrics/hosts?status=all', ['cache-1', 'db-01', 'web-01', 'web-02']],
      ['/metrics/hosts?status=live&match=web-*', ['web-01']],
    ])('%s lists %j', async (path, hosts) => {
      expect(await hostsListed(path)).toEqual(hosts);
    });

    it.each([
      ['match=', "match must be 1-253 characters of letters, digits, '.', '-', '_', '*' and '?', got \"\""],
      ['match=web%2F01', "match must be 1-253 characters of letters, digits, '.', '-', '_', '*' and '?', got \"web/01\""],
      ['status=dead', 'status must be one of live, stale, all, got "dead"'],
      ['window=last_hour', 'unknown query parameter "window"; allowed: match, status'],
    ])('answers 400 to ?%s, naming the parameter and showing the value', async (query, error) => {
      const { app } = await fleet();
      await request(app).get(`/metrics/hosts?${query}`).expect(400, { error });
    });
  });

  it('answers HEAD like GET, without a body', async () => {
    const res = await request(testApp().app).head('/metrics/hosts').expect(200);
    expect(res.headers['content-type']).toBe(PROMETHEUS_TEXT_TYPE);
    expect(res.text).toBeUndefined();
  });

  it.each(['post', 'put', 'delete'] as const)('answers %s with 405 and Allow: GET, HEAD, OPTIONS', async (method) => {
    const res = await request(testApp().app)[method]('/metrics/hosts').expect(405);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(res.body).toEqual({ error: `method ${method.toUpperCase()} is not allowed here; allowed: GET, HEAD, OPTIONS` });
  });

  describe('when tokens are set', () => {
    const tokens = { authTokens: ['full-token'], ingestTokens: ['agent-token'], readTokens: ['read-token'] };

    it('answers a read token', async () => {
      const { app } = testApp(T0_SEC, tokens);
      await request(app).post('/perf/web-01').set('Authorization', 'Bearer agent-token').type('form').send({ cpuload: '5', memload: '6' });
      const res = await request(app).get('/metrics/hosts').set('Authorization', 'Bearer read-token').expect(200);
      expect(res.text).toContain('\nservertrack_host_cpu_load_percent{host="web-01"} 5\n');
    });

    it('answers 401 without a token', async () => {
      const res = await request(testApp(T0_SEC, tokens).app)
        .get('/metrics/hosts')
        .expect(401, { error: 'Authorization: Bearer <token> is required' });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="servertrack"');
    });

    it('answers 403 to an ingest-only token, naming the read scope', async () => {
      await request(testApp(T0_SEC, tokens).app)
        .get('/metrics/hosts')
        .set('Authorization', 'Bearer agent-token')
        .expect(403, { error: 'this token may not read reports, host listings or metrics: it lacks the read scope' });
    });
  });
});
