/*
 * Real ServerTrack processes (dist/server.js) sharing one Redis: what one writes, the
 * others read, on a standalone redis-server and on the 3-node cluster; and
 * SERVERTRACK_WORKERS=2 serving from two node:cluster workers.
 */
import { ServerProcess, startServerProcess } from '../helpers/server-process';
import { uniquePrefix } from '../helpers/test-store';

jest.setTimeout(90_000);

interface WireInterval {
  samples: number;
  cpuload: number;
}

function redisEnv(kind: 'redis' | 'redis-cluster', prefix: string): Record<string, string> {
  const target: Record<string, string> =
    kind === 'redis'
      ? { REDIS_URL: process.env.REDIS_TEST_URL ?? '' }
      : { REDIS_CLUSTER_NODES: process.env.REDIS_TEST_CLUSTER_NODES ?? '' };
  return { SERVERTRACK_STORE: 'redis', REDIS_KEY_PREFIX: prefix, ...target };
}

/** A process answers only once its Redis connection is up: wait for it to say so. */
async function ready(server: ServerProcess): Promise<ServerProcess> {
  await server.waitForLines(/"msg":"redis ready"/);
  return server;
}

function postSample(server: ServerProcess, host: string, cpuload: number): Promise<Response> {
  return fetch(`${server.baseUrl}/perf/${host}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Connection: 'close' },
    body: JSON.stringify({ cpuload, memload: 50 }),
  });
}

async function stop(servers: ServerProcess[]): Promise<void> {
  for (const server of servers) {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGTERM');
  }
  await Promise.all(servers.map((server) => server.exited));
}

describe.each(['redis', 'redis-cluster'] as const)('two ServerTrack processes on one %s', (kind) => {
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    const env = redisEnv(kind, uniquePrefix());
    servers = await Promise.all([startServerProcess(env).then(ready), startServerProcess(env).then(ready)]);
  });

  afterAll(async () => {
    await stop(servers);
  });

  it('read through one what was written through the other, and forget it for both', async () => {
    const [writer, reader] = servers;
    expect((await postSample(writer, 'web-01', 10)).status).toBe(201);
    expect((await postSample(reader, 'web-01', 30)).status).toBe(201);

    const report = await fetch(`${reader.baseUrl}/perf/web-01/last_day`);
    expect(report.status).toBe(200);
    const intervals = (await report.json()) as WireInterval[];
    expect(intervals.map(({ samples, cpuload }) => ({ samples, cpuload }))).toEqual([{ samples: 2, cpuload: 20 }]);
    const hosts = (await (await fetch(`${writer.baseUrl}/perf`)).json()) as { host: string }[];
    expect(hosts.map((h) => h.host)).toEqual(['web-01']);

    expect((await fetch(`${reader.baseUrl}/perf/web-01`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${writer.baseUrl}/perf/web-01/last_day`)).status).toBe(404);
  });
});

describe('SERVERTRACK_WORKERS=2 on Redis', () => {
  it('serves from two workers sharing the port, all writes landing in one store, and stops on SIGTERM', async () => {
    const server = await startServerProcess({ ...redisEnv('redis', uniquePrefix()), SERVERTRACK_WORKERS: '2' });
    try {
      await server.waitForLines(/"msg":"redis ready"/, 2); // each worker connects on its own
      // New connections are dealt round-robin to the workers, so these go through both.
      const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => postSample(server, 'web-01', i).then((res) => res.status)));
      expect(statuses).toEqual(Array(20).fill(201));
      const intervals = (await (await fetch(`${server.baseUrl}/perf/web-01/last_day`)).json()) as WireInterval[];
      expect(intervals.map((i) => i.samples)).toEqual([20]);
    } finally {
      await stop([server]);
    }
    expect(await server.exited).toBe(0);
    const messages = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; worker?: number });
    expect(messages.filter((m) => m.msg === 'servertrack primary started 2 workers')).toHaveLength(1);
    expect(
      messages
        .filter((m) => m.msg.startsWith('servertrack listening on'))
        .map((m) => m.worker)
        .sort(),
    ).toEqual([1, 2]);
  });
});
