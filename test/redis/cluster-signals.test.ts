/*
 * SERVERTRACK_WORKERS=2 as a real process tree (dist/server.js, a primary and its workers on
 * the test redis-server), stopped by signals in the states that used to leave the primary
 * running: a worker waiting out its restart back-off, a worker that never exits, SIGHUP.
 * Workers are made to misbehave by a preload (helpers/misbehaving-worker.js), not by hooks
 * in the server.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ROOT_DIR, buildServer, inheritedEnv } from '../helpers/server-process';
import { uniquePrefix } from '../helpers/test-store';

jest.setTimeout(60_000);

const MISBEHAVING_WORKER = path.join(__dirname, '..', 'helpers', 'misbehaving-worker.js');
const GRACE_SEC = 2;
/** How long past the grace period the primary may take to be gone: 1 s for stuck workers, then exiting. */
const EXIT_MARGIN_MS = 3_000;
const LOG_WAIT_MS = 20_000;

interface LogLine {
  msg: string;
  signal?: string;
  worker?: number;
  workers?: number[];
}

interface Primary {
  child: ChildProcess;
  lines(): LogLine[];
  exited: Promise<number | string>;
}

const running: Primary[] = [];

function startPrimary(env: Record<string, string>, options: { ownProcessGroup?: boolean } = {}): Primary {
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd: ROOT_DIR,
    env: {
      ...inheritedEnv(),
      PORT: '0',
      HOST: '127.0.0.1',
      SERVERTRACK_STORE: 'redis',
      REDIS_URL: process.env.REDIS_TEST_URL ?? '',
      REDIS_KEY_PREFIX: uniquePrefix(),
      SERVERTRACK_WORKERS: '2',
      SERVERTRACK_SHUTDOWN_GRACE: String(GRACE_SEC),
      NODE_OPTIONS: `--require ${MISBEHAVING_WORKER}`,
      // A worker then says when a request has started: what a signal aimed at a request in flight waits for.
      LOG_LEVEL: 'trace',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.ownProcessGroup ?? false,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 'close', not 'exit': the workers write to the same pipes, and their last lines may still be in them when the primary exits.
  const exited = new Promise<number | string>((resolve) => child.once('close', (code, signal) => resolve(code ?? signal ?? -1)));
  const lines = (): LogLine[] =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
  const primary = { child, lines, exited };
  running.push(primary);
  return primary;
}

function count(primary: Primary, msg: string | RegExp): number {
  return primary.lines().filter((line) => (typeof msg === 'string' ? line.msg === msg : msg.test(line.msg))).length;
}

async function waitForLines(primary: Primary, msg: string | RegExp, wanted: number): Promise<void> {
  const deadline = Date.now() + LOG_WAIT_MS;
  while (count(primary, msg) < wanted) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${wanted} × ${msg}:\n${JSON.stringify(primary.lines(), null, 1)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The exit code, or a failure naming what the primary logged if it is still running past the grace period. */
async function exitWithinGrace(primary: Primary): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `primary still running ${GRACE_SEC} s + ${EXIT_MARGIN_MS} ms after the signal:\n${JSON.stringify(primary.lines(), null, 1)}`,
          ),
        ),
      GRACE_SEC * 1000 + EXIT_MARGIN_MS,
    );
  });
  try {
    return await Promise.race([primary.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

beforeAll(() => {
  buildServer();
});

// A primary that did hang must not leave it, or its workers (which may ignore exit), running.
afterEach(async () => {
  for (const primary of running.splice(0)) {
    if (primary.child.exitCode !== null || primary.child.signalCode !== null) continue;
    for (const pid of childPids(primary.child.pid ?? 0)) process.kill(pid, 'SIGKILL');
    primary.child.kill('SIGKILL');
    await primary.exited;
  }
});

describe('the cluster primary', () => {
  describe('when SIGTERM arrives while a worker waits out its restart back-off', () => {
    it('starts no new worker and exits 0 once the busy one has stopped', async () => {
      // Worker 3, the replacement of the worker killed below, dies young: the primary waits before the next.
      const primary = startPrimary({ MISBEHAVE_DIE_AT_START: '3' });
      await waitForLines(primary, /^servertrack listening on/, 2);
      process.kill(childPids(primary.child.pid ?? 0)[0], 'SIGKILL');
      await waitForLines(primary, 'worker exited; starting a new one', 2);
      // The one worker left takes every connection: a half-sent request keeps it busy past the back-off.
      const listening = primary.lines().find((line) => line.msg.startsWith('servertrack listening on'));
      const port = Number(/:(\d+)$/.exec(listening?.msg ?? '')?.[1]);
      const socket = net.connect(port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.on('error', () => undefined); // cut at the end of the grace period
      socket.write(
        'POST /perf/web-01 HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 19\r\n\r\ncpuload=1',
      );
      await waitForLines(primary, 'request started', 1);

      primary.child.kill('SIGTERM');

      try {
        expect(await exitWithinGrace(primary)).toBe(0);
      } finally {
        socket.destroy();
      }
      expect(count(primary, /^servertrack listening on/)).toBe(2); // workers 1 and 2; none after
      expect(count(primary, 'stopped')).toBe(2); // the busy worker, then the primary
    });
  });

  describe('when SIGTERM arrives while every worker waits out its restart back-off', () => {
    it('exits 0 at once and starts no worker', async () => {
      const primary = startPrimary({ MISBEHAVE_DIE_AT_START: '1,2' });
      await waitForLines(primary, 'worker exited; starting a new one', 2);

      primary.child.kill('SIGTERM');

      expect(await exitWithinGrace(primary)).toBe(0);
      expect(primary.lines().map((line) => line.msg)).toEqual([
        'servertrack primary started 2 workers',
        'worker exited; starting a new one',
        'worker exited; starting a new one',
        'stopping: workers finish their in-flight requests',
        'stopped',
      ]);
    });
  });

  describe('when a worker does not exit within the grace period', () => {
    it('kills it, says so, and exits 0', async () => {
      const primary = startPrimary({ MISBEHAVE_NEVER_EXIT: '1' });
      await waitForLines(primary, /^servertrack listening on/, 2);

      primary.child.kill('SIGTERM');

      expect(await exitWithinGrace(primary)).toBe(0);
      const killed = primary.lines().find((line) => line.msg === 'workers still running after the grace period: killing them');
      expect(killed?.workers?.sort()).toEqual([1, 2]);
      expect(primary.lines().at(-1)?.msg).toBe('stopped');
    });
  });

  describe('when SIGHUP arrives (the terminal that started it closed)', () => {
    it('stops every worker gracefully, names the signal, and exits 0', async () => {
      const primary = startPrimary({});
      await waitForLines(primary, /^servertrack listening on/, 2);

      primary.child.kill('SIGHUP');

      expect(await exitWithinGrace(primary)).toBe(0);
      const stopping = primary.lines().filter((line) => line.msg.startsWith('stopping:'));
      expect(stopping.map(({ msg, signal }) => `${signal} ${msg}`).sort()).toEqual([
        'SIGHUP stopping: workers finish their in-flight requests',
        'SIGTERM stopping: finishing in-flight requests',
        'SIGTERM stopping: finishing in-flight requests',
      ]);
      expect(count(primary, 'stopped')).toBe(3);
    });

    it("stops gracefully when the whole process group gets it, the workers on the primary's word", async () => {
      const primary = startPrimary({}, { ownProcessGroup: true });
      await waitForLines(primary, /^servertrack listening on/, 2);

      process.kill(-(primary.child.pid ?? 0), 'SIGHUP');

      expect(await exitWithinGrace(primary)).toBe(0);
      // The workers leave it to the primary, which stops them with SIGTERM: none can exit first and be restarted.
      const signals = (msg: string): (string | undefined)[] =>
        primary
          .lines()
          .filter((line) => line.msg === msg)
          .map((line) => line.signal);
      expect(signals('stopping: workers finish their in-flight requests')).toEqual(['SIGHUP']);
      // A worker logs that it leaves the SIGHUP to the primary, unless the primary's SIGTERM
      // reached its event loop first (node handles pending signals in no set order).
      const leftToPrimary = signals('signal left to the primary, which stops the workers');
      expect(leftToPrimary.length).toBeLessThanOrEqual(2);
      expect(leftToPrimary.filter((signal) => signal !== 'SIGHUP')).toEqual([]);
      expect(signals('stopping: finishing in-flight requests')).toEqual(['SIGTERM', 'SIGTERM']);
      expect(count(primary, 'worker exited; starting a new one')).toBe(0);
      expect(count(primary, 'stopped')).toBe(3);
    });
  });
});
