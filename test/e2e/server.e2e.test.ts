import net from 'node:net';
import { ServerProcess, startServerProcess } from '../helpers/server-process';

jest.setTimeout(60_000);

describe('the built server as a real process', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess();
  });

  afterAll(() => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  });

  // public/ and uPlot are found from dist/ as they are from src/.
  it('serves the dashboard page, its modules and uPlot from the build', async () => {
    for (const [path, type] of [
      ['/', 'text/html; charset=utf-8'],
      ['/js/main.js', 'text/javascript; charset=utf-8'],
      ['/vendor/uplot/uPlot.esm.js', 'text/javascript; charset=utf-8'],
    ]) {
      const res = await fetch(`${server.baseUrl}${path}`);
      expect([path, res.status, res.headers.get('content-type')]).toEqual([path, 200, type]);
    }
  });

  it('records form posts, reports them, and exits 0 on SIGTERM', async () => {
    // What `curl -d cpuload=12.5 -d memload=40.1 http://.../perf/web-01/` sends.
    const post = await fetch(`${server.baseUrl}/perf/web-01/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'cpuload=12.5&memload=40.1',
    });
    expect(post.status).toBe(201);
    expect(await post.text()).toBe('');

    const json = await fetch(`${server.baseUrl}/perf/web-01`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ cpuload: 7.5, memload: 20.1 }),
    });
    expect(json.status).toBe(201);

    const report = await fetch(`${server.baseUrl}/perf/web-01/last_day`);
    expect(report.status).toBe(200);
    const intervals = (await report.json()) as {
      samples: number;
      cpuload: number;
      cpuload_min: number;
      memload_max: number;
      interval: number;
    }[];
    expect(intervals).toHaveLength(1);
    expect(intervals[0]).toMatchObject({ interval: 3600, samples: 2, cpuload: 10, cpuload_min: 7.5, memload_max: 40.1 });

    const hosts = await fetch(`${server.baseUrl}/perf`);
    expect(((await hosts.json()) as { host: string }[]).map((h) => h.host)).toEqual(['web-01']);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const logLines = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; version?: string; port?: number });
    expect(logLines.map((line) => line.msg)).toEqual([
      `servertrack listening on http://127.0.0.1:${new URL(server.baseUrl).port}`,
      'stopping: finishing in-flight requests',
      'stopped',
    ]);
    expect(logLines[0]).toMatchObject({ version: '1.0.0', port: Number(new URL(server.baseUrl).port) });
  });

  it('finishes a request in flight when SIGTERM arrives, then exits 0', async () => {
    // At trace the server says when a request has started: the signal goes after that line.
    const inFlight = await startServerProcess({ LOG_LEVEL: 'trace' });
    const { port } = new URL(inFlight.baseUrl);
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const body = 'cpuload=1&memload=2';
    let response = '';
    socket.on('data', (chunk) => (response += chunk.toString()));
    socket.write(
      `POST /perf/web-01 HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\ncpuload=1`,
    );
    await inFlight.waitForLines(/"msg":"request started"/);

    inFlight.child.kill('SIGTERM');
    await inFlight.waitForLines(/"msg":"stopping: finishing in-flight requests"/);
    socket.write('&memload=2');

    expect(await inFlight.exited).toBe(0);
    expect(response).toMatch(/^HTTP\/1\.1 201 Created\r\n/);
    socket.destroy();
  });

  it('guards /perf with SERVERTRACK_TOKEN and never prints the token', async () => {
    const token = 'e2e-secret-token-7f3a';
    const secured = await startServerProcess({ SERVERTRACK_TOKEN: `${token},rotated-token-9b1c` });
    const body = 'cpuload=1&memload=2';
    const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };

    const refused = await fetch(`${secured.baseUrl}/perf/web-01`, { method: 'POST', headers, body });
    const accepted = await fetch(`${secured.baseUrl}/perf/web-01`, {
      method: 'POST',
      headers: { ...headers, Authorization: `Bearer ${token}` },
      body,
    });
    const health = await fetch(`${secured.baseUrl}/healthz`);

    expect([refused.status, refused.headers.get('www-authenticate'), await refused.json()]).toEqual([
      401,
      'Bearer realm="servertrack"',
      { error: 'Authorization: Bearer <token> is required' },
    ]);
    expect(accepted.status).toBe(201);
    expect(health.status).toBe(200);
    secured.child.kill('SIGTERM');
    expect(await secured.exited).toBe(0);
    const startLine = JSON.parse(secured.output().split('\n')[0]) as { settings: { authTokens: string } };
    expect(startLine.settings.authTokens).toBe('2 redacted');
    expect(secured.output()).not.toContain('secret');
    expect(secured.output()).not.toContain('rotated');
  });
});
