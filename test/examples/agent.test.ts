import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { createApp } from '../../src/app';
import { systemClock } from '../../src/store/time';
import { AgentProcess, RecordingStore, close, listen, startAgent, waitFor } from '../helpers/agent-process';

jest.setTimeout(30_000);

const FAST_INTERVAL = '0.05';

/** Replaces a file in one step, so the agent never reads it half-written. */
function writeAtomically(dir: string, name: string, text: string): void {
  writeFileSync(path.join(dir, `${name}.tmp`), text);
  renameSync(path.join(dir, `${name}.tmp`), path.join(dir, name));
}

function meminfo(totalKb: number, availableKb: number): string {
  return `MemTotal:       ${totalKb} kB\nMemFree:         123456 kB\nMemAvailable:   ${availableKb} kB\nBuffers:           1024 kB\n`;
}

describe('examples/agent.sh', () => {
  let server: Server | undefined;
  let agent: AgentProcess | undefined;

  afterEach(async () => {
    await agent?.stop();
    if (server?.listening) await close(server);
    agent = undefined;
    server = undefined;
  });

  async function serve(store: RecordingStore, guard?: express.RequestHandler): Promise<string> {
    const app = express();
    if (guard) app.use(guard);
    app.use(createApp({ store, clock: systemClock }));
    const listening = await listen(app);
    server = listening.server;
    return listening.baseUrl;
  }

  describe('reading the real /proc', () => {
    it('posts a sample for this host each tick, with loads from 0 to 100', async () => {
      const store = new RecordingStore();
      const baseUrl = await serve(store);

      agent = startAgent({ SERVERTRACK_URL: `${baseUrl}/`, INTERVAL: '0.2' });
      await waitFor(() => store.samples.length >= 2, 'two samples');

      for (const sample of store.samples.slice(0, 2)) {
        expect(sample.host).toBe(os.hostname().toLowerCase());
        expect(sample.cpuLoad).toBeGreaterThanOrEqual(0);
        expect(sample.cpuLoad).toBeLessThanOrEqual(100);
        expect(sample.memLoad).toBeGreaterThan(0);
        expect(sample.memLoad).toBeLessThanOrEqual(100);
      }
      expect(agent.stderr()).toBe('');
    });
  });

  describe('reading /proc files the test writes', () => {
    let procDir: string;
    beforeEach(() => {
      procDir = mkdtempSync(path.join(os.tmpdir(), 'agent-proc-'));
    });
    afterEach(() => rmSync(procDir, { recursive: true, force: true }));

    it('posts CPU busy % from the deltas of the cpu line and memory used % from MemAvailable', async () => {
      //                                      user nice system idle iowait irq softirq steal guest guest_nice
      writeAtomically(procDir, 'stat', 'cpu  1000 0 500 8000 100 0 0 0 0 0\ncpu0 1000 0 500 8000 100 0 0 0 0 0\n');
      writeAtomically(procDir, 'meminfo', meminfo(8_000_000, 2_000_000));
      const store = new RecordingStore();
      // Written before the first answer goes back, so the agent's next tick reads them.
      store.afterRecord = (count) => {
        if (count !== 1) return;
        writeAtomically(procDir, 'stat', 'cpu  1050 10 560 8120 120 5 5 0 20 0\n');
        writeAtomically(procDir, 'meminfo', meminfo(3_000_000, 1_000_000));
      };
      const baseUrl = await serve(store);

      agent = startAgent({ SERVERTRACK_URL: baseUrl, SERVERTRACK_HOST: 'fake-01', SERVERTRACK_PROC: procDir, INTERVAL: FAST_INTERVAL });
      await waitFor(() => agent!.stderr().includes('skipping'), 'a tick with no CPU time counted');
      // busy +100 (user 40, nice 10, system 50), idle +100 (idle 90, iowait 10); guest is inside user already.
      writeAtomically(procDir, 'stat', 'cpu  1040 10 550 8090 110 0 0 0 20 0\n');
      await waitFor(() => store.samples.length >= 2, 'two samples');

      expect(store.samples.slice(0, 2)).toEqual([
        { host: 'fake-01', cpuLoad: 50, memLoad: 75 },
        // busy +30 (user 10, system 10, irq 5, softirq 5), idle +40: 30 / 70 = 42.857 %; 2/3 used = 66.667 %.
        { host: 'fake-01', cpuLoad: 42.86, memLoad: 66.67 },
      ]);
      const skipped = agent
        .stderr()
        .split('\n')
        .filter((line) => line !== '');
      expect(new Set(skipped)).toEqual(new Set(['agent: no CPU time counted since the last reading; skipping this tick']));
    });
  });

  describe('when the server answers with an error', () => {
    it('reports the answer on stderr and posts again at the next tick', async () => {
      const store = new RecordingStore();
      let refused = 0;
      const baseUrl = await serve(store, (_req, res, next) => {
        if (refused++ > 0) return next();
        res.status(503).json({ error: 'busy' });
      });

      agent = startAgent({ SERVERTRACK_URL: baseUrl, SERVERTRACK_HOST: 'fake-01', INTERVAL: FAST_INTERVAL });
      await waitFor(() => store.samples.length >= 1, 'a sample after the refusal');

      expect(agent.stderr()).toBe(
        `agent: POST ${baseUrl}/perf/fake-01 answered 503 {"error":"busy"}; trying again in ${FAST_INTERVAL} s\n`,
      );
      expect(store.samples[0].host).toBe('fake-01');
    });
  });

  describe('when nothing listens at SERVERTRACK_URL', () => {
    it('reports each failed POST on stderr, keeps running, and delivers once the server is up', async () => {
      const store = new RecordingStore();
      const baseUrl = await serve(store);
      const { port } = new URL(baseUrl);
      await close(server!);

      agent = startAgent({ SERVERTRACK_URL: baseUrl, SERVERTRACK_HOST: 'fake-01', INTERVAL: FAST_INTERVAL });
      const failures = (): string[] =>
        agent!
          .stderr()
          .split('\n')
          .filter((line) => line.startsWith('agent:'));
      await waitFor(() => failures().length >= 2, 'two reported failures');
      expect(agent.child.exitCode).toBeNull();
      expect(new Set(failures())).toEqual(
        new Set([`agent: POST ${baseUrl}/perf/fake-01 failed (curl exit 7); trying again in ${FAST_INTERVAL} s`]),
      );

      server = createApp({ store, clock: systemClock }).listen(Number(port), '127.0.0.1');
      await waitFor(() => store.samples.length >= 1, 'a sample once the server is back');
      expect(store.samples[0].host).toBe('fake-01');
    });
  });

  describe('when SERVERTRACK_TOKEN is set', () => {
    it('sends it as a Bearer token', async () => {
      const store = new RecordingStore();
      const authorizations: (string | undefined)[] = [];
      const baseUrl = await serve(store, (req, _res, next) => {
        authorizations.push(req.headers.authorization);
        next();
      });

      agent = startAgent({ SERVERTRACK_URL: baseUrl, SERVERTRACK_TOKEN: 's3cret-token', INTERVAL: FAST_INTERVAL });
      await waitFor(() => store.samples.length >= 1, 'a sample');

      expect(authorizations[0]).toBe('Bearer s3cret-token');
    });

    it('sends no Authorization header when it is unset', async () => {
      const store = new RecordingStore();
      const authorizations: (string | undefined)[] = [];
      const baseUrl = await serve(store, (req, _res, next) => {
        authorizations.push(req.headers.authorization);
        next();
      });

      agent = startAgent({ SERVERTRACK_URL: baseUrl, INTERVAL: FAST_INTERVAL });
      await waitFor(() => store.samples.length >= 1, 'a sample');

      expect(authorizations[0]).toBeUndefined();
    });
  });

  describe('with a bad INTERVAL', () => {
    it.each([
      ['abc', "agent: INTERVAL must be a number of seconds, got 'abc'"],
      ['1.2.3', "agent: INTERVAL must be a number of seconds, got '1.2.3'"],
      ['-1', "agent: INTERVAL must be a number of seconds, got '-1'"],
      ['0', "agent: INTERVAL must be more than 0 seconds, got '0'"],
      ['0.0', "agent: INTERVAL must be more than 0 seconds, got '0.0'"],
    ])('exits 2 on %s, naming the variable', async (interval, message) => {
      agent = startAgent({ INTERVAL: interval });
      expect(await agent.exited).toBe(2);
      expect(agent.stderr()).toBe(`${message}\n`);
    });
  });
});
