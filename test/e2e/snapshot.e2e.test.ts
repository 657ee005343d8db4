import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { loadSnapshot } from '../../src/snapshot/loader';
import { HostStore } from '../../src/store/host-store';
import { ServerProcess, startServerProcess } from '../helpers/server-process';
import { TempFolder, tempFolder } from '../helpers/snapshot-files';

jest.setTimeout(60_000);

const CRASH_PRELOAD = path.join(__dirname, '..', 'helpers', 'crash-in-snapshot.js');
const MODES = ['last_minute', 'last_hour', 'last_day'];

async function post(server: ServerProcess, host: string, cpuload: number, memload: number, timeSec: number): Promise<void> {
  const res = await fetch(`${server.baseUrl}/perf/${host}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ cpuload, memload, time: timeSec }),
  });
  expect(res.status).toBe(201);
}

/** Samples for `hosts` hosts spread over the last two hours, so every ring holds data. */
async function postBatch(server: ServerProcess, prefix: string, hosts: number): Promise<void> {
  const nowSec = Math.floor(Date.now() / 1000);
  for (let h = 0; h < hosts; h++) {
    for (const agoSec of [0, 2, 75, 3_000, 7_300])
      await post(server, `${prefix}-${h}`, (h * 7 + agoSec) % 100, (40 + h) % 100, nowSec - agoSec);
  }
}

/** Everything a client can read: the host list and every report of every host. */
async function readable(server: ServerProcess): Promise<unknown> {
  const hosts = (await (await fetch(`${server.baseUrl}/perf`)).json()) as { host: string }[];
  const reports: Record<string, unknown> = {};
  for (const { host } of hosts) {
    for (const mode of MODES) reports[`${host}/${mode}`] = await (await fetch(`${server.baseUrl}/perf/${host}/${mode}`)).json();
  }
  return { hosts, reports };
}

function logLines(server: ServerProcess): Record<string, unknown>[] {
  return server
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function messages(server: ServerProcess): unknown[] {
  return logLines(server).map((line) => line.msg);
}

describe('snapshots with the built server as a real process', () => {
  let temp: TempFolder;
  let file: string;
  const started: ServerProcess[] = [];

  async function start(env: Record<string, string> = {}): Promise<ServerProcess> {
    const server = await startServerProcess({ SERVERTRACK_SNAPSHOT: file, ...env });
    started.push(server);
    return server;
  }

  async function stop(server: ServerProcess, signal: NodeJS.Signals): Promise<number | string> {
    server.child.kill(signal);
    return server.exited;
  }

  beforeEach(() => {
    temp = tempFolder();
    file = temp.file('servertrack.snapshot');
  });

  afterEach(() => {
    for (const server of started.splice(0))
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    temp.remove();
  });

  describe('when stopped with SIGTERM', () => {
    it('writes every sample, and serves the same reports after a restart', async () => {
      const first = await start();
      await postBatch(first, 'web', 4);
      const before = await readable(first);

      expect(await stop(first, 'SIGTERM')).toBe(0);
      expect(messages(first)).toEqual([
        'no snapshot yet; starting empty',
        expect.stringMatching(/^servertrack listening/),
        'stopping: finishing in-flight requests',
        'snapshot written',
        'stopped',
      ]);
      expect(logLines(first)[3]).toMatchObject({ path: file, hosts: 4, bytes: readFileSync(file).length });

      const second = await start();
      expect(logLines(second).find((line) => line.msg === 'snapshot loaded')).toMatchObject({ path: file, hosts: 4, droppedHosts: 0 });
      expect(await readable(second)).toEqual(before);
      expect(await stop(second, 'SIGINT')).toBe(0);
    });
  });

  describe('when stopped with SIGHUP (the terminal or ssh session that started it closed)', () => {
    it('stops as on SIGTERM, naming the signal, and writes the sample to the snapshot', async () => {
      const server = await start();
      const nowSec = Math.floor(Date.now() / 1000);
      await post(server, 'web-01', 12.5, 40.1, nowSec);

      expect(await stop(server, 'SIGHUP')).toBe(0);
      expect(logLines(server).slice(2)).toEqual([
        expect.objectContaining({ msg: 'stopping: finishing in-flight requests', signal: 'SIGHUP' }),
        expect.objectContaining({ msg: 'snapshot written', path: file, hosts: 1 }),
        expect.objectContaining({ msg: 'stopped' }),
      ]);
      const saved = new HostStore();
      expect(loadSnapshot(file, saved, nowSec)).toMatchObject({ hosts: 1, droppedHosts: 0 });
      expect(saved.hosts(nowSec)).toEqual([{ host: 'web-01', lastSeenSec: nowSec, cpuLoad: 12.5, memLoad: 40.1 }]);
    });
  });

  describe('when SIGTERM arrives while a request is in flight', () => {
    it('finishes the request first and keeps its sample in the snapshot', async () => {
      // At trace the server says when a request has started: the signal goes after that line.
      const first = await start({ LOG_LEVEL: 'trace' });
      const socket = net.connect(Number(new URL(first.baseUrl).port), '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      let response = '';
      socket.on('data', (chunk) => (response += chunk.toString()));
      const body = 'cpuload=12.5&memload=40';
      socket.write(
        `POST /perf/late-1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\ncpuload=12.5`,
      );
      await first.waitForLines(/"msg":"request started"/);

      first.child.kill('SIGTERM');
      await first.waitForLines(/"msg":"stopping: finishing in-flight requests"/);
      socket.write('&memload=40');

      expect(await first.exited).toBe(0);
      expect(response).toMatch(/^HTTP\/1\.1 201 Created\r\n/);
      socket.destroy();
      const second = await start();
      const hosts = (await (await fetch(`${second.baseUrl}/perf`)).json()) as { host: string; cpuload: number; memload: number }[];
      expect(hosts).toMatchObject([{ host: 'late-1', cpuload: 12.5, memload: 40 }]);
    });
  });

  describe('when killed with SIGKILL', () => {
    it('loses only the samples recorded since the last snapshot', async () => {
      const first = await start({ SERVERTRACK_SNAPSHOT_INTERVAL: '3' });
      await postBatch(first, 'kept', 3);
      const writtenBefore = messages(first).filter((msg) => msg === 'snapshot written').length;
      await first.waitForLines(/"msg":"snapshot written"/, writtenBefore + 1);
      const atSnapshot = await readable(first);
      await postBatch(first, 'lost', 2); // well inside the 3 s before the next snapshot

      expect(await stop(first, 'SIGKILL')).toBe('SIGKILL');

      const second = await start();
      expect(await readable(second)).toEqual(atSnapshot);
    });
  });

  describe.each(['write', 'rename'])('when the process dies during a snapshot, at the %s', (crashAt) => {
    it('keeps the previous snapshot intact and starts from it', async () => {
      const first = await start();
      await postBatch(first, 'web', 3);
      const before = await readable(first);
      expect(await stop(first, 'SIGTERM')).toBe(0);
      const previous = readFileSync(file);

      const crashing = await start({
        SERVERTRACK_SNAPSHOT_INTERVAL: '1',
        NODE_OPTIONS: `--require ${CRASH_PRELOAD}`,
        CRASH_IN_SNAPSHOT_AT: crashAt,
      });
      // New hosts keep arriving until the first interval snapshot kills the process.
      for (let h = 0; crashing.child.exitCode === null && crashing.child.signalCode === null; h++) {
        await post(crashing, `new-${h}`, 1, 2, Math.floor(Date.now() / 1000)).catch(() => undefined);
      }
      expect(await crashing.exited).toBe('SIGKILL');
      expect(existsSync(`${file}.tmp`)).toBe(true);
      expect(readFileSync(file)).toEqual(previous);

      const restarted = await start();
      expect(await readable(restarted)).toEqual(before);
    });
  });

  describe('when the snapshot file is damaged', () => {
    it('refuses to start, names the file, and leaves it untouched', async () => {
      writeFileSync(file, 'not a snapshot');
      await expect(start()).rejects.toThrow(`servertrack failed to start: snapshot ${file}: not a ServerTrack snapshot (bad magic bytes)`);
      expect(readFileSync(file, 'utf8')).toBe('not a snapshot');
    });
  });
});
