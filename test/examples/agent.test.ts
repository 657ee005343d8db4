import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { createApp } from '../../src/app';
import { systemClock } from '../../src/store/time';
import { AGENT_SCRIPT_PATH } from '../../src/http/agent-script';
import { AgentDoubles, agentDoubles, epochNs } from '../helpers/agent-doubles';
import { AgentProcess, RecordingStore, close, listen, startAgent, waitFor } from '../helpers/agent-process';
import { startServerProcess } from '../helpers/server-process';

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
    it.each([
      [3, '3 failed POSTs'],
      [1, '1 failed POST'],
    ])('after %i refusals, writes one line when posting starts failing and one when it works again', async (refusals, failed) => {
      const store = new RecordingStore();
      let refused = 0;
      const baseUrl = await serve(store, (req, res, next) => {
        if (req.method !== 'POST' || refused >= refusals) return next();
        refused++;
        res.status(503).json({ error: 'busy' });
      });

      agent = startAgent({ SERVERTRACK_URL: baseUrl, SERVERTRACK_HOST: 'fake-01', INTERVAL: FAST_INTERVAL });
      await waitFor(() => agent!.stderr().includes('works again after'), 'the line saying posting works again');

      expect(agent.stderr()).toBe(
        `agent: POST ${baseUrl}/perf/fake-01 answered 503 {"error":"busy"}; trying every ${FAST_INTERVAL} s, quiet until it works again\n` +
          `agent: POST ${baseUrl}/perf/fake-01 works again after ${failed}\n`,
      );
      expect(store.samples[0].host).toBe('fake-01');
    });
  });

  describe('when nothing listens at SERVERTRACK_URL', () => {
    let doubles: AgentDoubles;
    beforeEach(() => {
      doubles = agentDoubles(epochNs(1_700_000_000));
    });
    afterEach(async () => {
      // The agent writes into the doubles' folder until it stops.
      await agent?.stop();
      doubles.remove();
    });

    it('reports the outage once while it tries every tick, keeps running, and says when it delivers again', async () => {
      const store = new RecordingStore();
      const baseUrl = await serve(store);
      const { port } = new URL(baseUrl);
      await close(server!);

      agent = startAgent({ ...doubles.env, SERVERTRACK_URL: baseUrl, SERVERTRACK_HOST: 'fake-01', INTERVAL: '1' });
      await waitFor(() => doubles.curlCalls() >= 3, 'three POSTs tried');
      const failedLine = `agent: POST ${baseUrl}/perf/fake-01 failed (curl exit 7); trying every 1 s, quiet until it works again\n`;
      expect(agent.stderr()).toBe(failedLine);
      expect(agent.child.exitCode).toBeNull();

      server = createApp({ store, clock: systemClock }).listen(Number(port), '127.0.0.1');
      await waitFor(() => agent!.stderr().includes('works again after'), 'the line saying posting works again');

      const [first, recovered, ...rest] = agent.stderr().split('\n');
      expect(`${first}\n`).toBe(failedLine);
      expect(recovered).toMatch(new RegExp(`^agent: POST ${baseUrl}/perf/fake-01 works again after \\d+ failed POSTs$`));
      // The third call may have been on its way when the server came up, and got through.
      expect(Number(/after (\d+)/.exec(recovered)![1])).toBeGreaterThanOrEqual(2);
      expect(rest).toEqual(['']);
      expect(store.samples[0]).toEqual({ host: 'fake-01', cpuLoad: 50, memLoad: 75 });
    });
  });

  describe('ticks', () => {
    let doubles: AgentDoubles;
    afterEach(async () => {
      // The agent writes into the doubles' folder until it stops.
      await agent?.stop();
      doubles.remove();
    });

    /** Serves the agent, moving its clock on by the next of `postSeconds` for each POST, as a POST that slow would. */
    async function serveTaking(store: RecordingStore, postSeconds: number[]): Promise<string> {
      let posts = 0;
      return serve(store, (req, _res, next) => {
        if (req.method === 'POST') doubles.advanceClock(postSeconds[posts++] ?? 0);
        next();
      });
    }

    it('sleeps to the next multiple of INTERVAL, so the time a POST takes does not make it drift', async () => {
      doubles = agentDoubles(epochNs(1_700_000_000, 730));
      const store = new RecordingStore();
      const baseUrl = await serveTaking(store, [0.3, 0.3, 0.3]);

      agent = startAgent({ ...doubles.env, SERVERTRACK_URL: baseUrl, SERVERTRACK_HOST: 'fake-01', INTERVAL: '1' });
      await waitFor(() => doubles.sleeps().length >= 4, 'four sleeps');

      // Started at .730: to 1700000001.000, then each POST ends at .300 and the next tick is .700 away.
      expect(doubles.sleeps().slice(0, 4)).toEqual(['0.270000000', '0.700000000', '0.700000000', '0.700000000']);
      expect(store.samples.slice(0, 3)).toEqual(Array(3).fill({ host: 'fake-01', cpuLoad: 50, memLoad: 75 }));
      expect(agent.stderr()).toBe('');
    });

    it('skips a tick that a slow POST overran instead of posting late or twice', async () => {
      doubles = agentDoubles(epochNs(1_700_000_000));
      const store = new RecordingStore();
      const baseUrl = await serveTaking(store, [0.25, 1.5, 0.25]);

      agent = startAgent({ ...doubles.env, SERVERTRACK_URL: baseUrl, SERVERTRACK_HOST: 'fake-01', INTERVAL: '1' });
      await waitFor(() => doubles.sleeps().length >= 4, 'four sleeps');

      // The second POST, sent at ...002, ends at ...003.5: the tick at ...003 is gone, the next is ...004.
      expect(doubles.sleeps().slice(0, 4)).toEqual(['1.000000000', '0.750000000', '0.500000000', '0.750000000']);
    });

    it('ticks on multiples of a fractional INTERVAL', async () => {
      doubles = agentDoubles(epochNs(1_700_000_000, 100));
      const store = new RecordingStore();
      const baseUrl = await serveTaking(store, [0.05]);

      agent = startAgent({ ...doubles.env, SERVERTRACK_URL: baseUrl, SERVERTRACK_HOST: 'fake-01', INTERVAL: '0.25' });
      await waitFor(() => doubles.sleeps().length >= 3, 'three sleeps');

      expect(doubles.sleeps().slice(0, 3)).toEqual(['0.150000000', '0.200000000', '0.250000000']);
    });

    it('ticks on whole seconds where date has no %N', async () => {
      doubles = agentDoubles(epochNs(1_700_000_000, 730));
      doubles.dropNanoseconds();
      const store = new RecordingStore();
      const baseUrl = await serveTaking(store, []);

      agent = startAgent({ ...doubles.env, SERVERTRACK_URL: baseUrl, SERVERTRACK_HOST: 'fake-01', INTERVAL: '2' });
      await waitFor(() => doubles.sleeps().length >= 2, 'two sleeps');

      // date says 1700000000 (the .730 unseen): the next even second is 2 s away, then 2 s again.
      expect(doubles.sleeps().slice(0, 2)).toEqual(['2.000000000', '2.000000000']);
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
      ['0.0000000001', "agent: INTERVAL must be at least 0.000000001 seconds, got '0.0000000001'"],
      ['86400.5', "agent: INTERVAL must be at most 86400 seconds (a day), got '86400.5'"],
      ['99999999999999999999', "agent: INTERVAL must be at most 86400 seconds (a day), got '99999999999999999999'"],
    ])('exits 2 on %s, naming the variable', async (interval, message) => {
      agent = startAgent({ INTERVAL: interval });
      expect(await agent.exited).toBe(2);
      expect(agent.stderr()).toBe(`${message}\n`);
    });

    it('reads leading zeros as decimal, not octal', async () => {
      const doubles = agentDoubles(epochNs(1_700_000_000));
      try {
        const baseUrl = await serve(new RecordingStore());
        agent = startAgent({ ...doubles.env, SERVERTRACK_URL: baseUrl, SERVERTRACK_HOST: 'fake-01', INTERVAL: '010.080' });
        await waitFor(() => doubles.sleeps().length >= 2, 'two sleeps');
        // 1700000000 s is 6.56 s past a multiple of 10.08 s, so the first tick is 3.52 s away; octal 010 would be 8.
        expect(doubles.sleeps().slice(0, 2)).toEqual(['3.520000000', '10.080000000']);
      } finally {
        await agent?.stop();
        doubles.remove();
      }
    });
  });

  describe('with a bad SERVERTRACK_HOST', () => {
    const rules = "must be 1-253 characters of letters, digits, '.', '-' and '_', starting with a letter or digit";
    it.each([
      ['web 01', `agent: SERVERTRACK_HOST ${rules}, got 'web 01'`],
      ['web/01', `agent: SERVERTRACK_HOST ${rules}, got 'web/01'`],
      ['-web', `agent: SERVERTRACK_HOST ${rules}, got '-web'`],
      ['.web', `agent: SERVERTRACK_HOST ${rules}, got '.web'`],
      ['wéb', `agent: SERVERTRACK_HOST ${rules}, got 'wéb'`],
      ['a'.repeat(254), `agent: SERVERTRACK_HOST ${rules}, got '${'a'.repeat(254)}'`],
      ['a..b', "agent: SERVERTRACK_HOST must not contain an empty label ('..'), got 'a..b'"],
      ['a.', "agent: SERVERTRACK_HOST must not end with '.' (an empty label), got 'a.'"],
    ])('exits 2 on %j, naming the variable and the rule', async (host, message) => {
      agent = startAgent({ SERVERTRACK_HOST: host });
      expect(await agent.exited).toBe(2);
      expect(agent.stderr()).toBe(`${message}\n`);
    });

    it("says to set SERVERTRACK_HOST when the machine's own name breaks the rules", async () => {
      const binDir = mkdtempSync(path.join(os.tmpdir(), 'agent-hostname-'));
      try {
        writeFileSync(path.join(binDir, 'hostname'), '#!/bin/sh\necho "my host"\n');
        chmodSync(path.join(binDir, 'hostname'), 0o755);
        agent = startAgent({ PATH: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}` });
        expect(await agent.exited).toBe(2);
        expect(agent.stderr()).toBe(`agent: this host's name (set SERVERTRACK_HOST to report under another) ${rules}, got 'my host'\n`);
      } finally {
        rmSync(binDir, { recursive: true, force: true });
      }
    });

    it('accepts a host of 253 characters and upper case letters, which the server stores lower-cased', async () => {
      const store = new RecordingStore();
      const baseUrl = await serve(store);
      const host = `Web-01.${'a'.repeat(246)}`;

      agent = startAgent({ SERVERTRACK_URL: baseUrl, SERVERTRACK_HOST: host, INTERVAL: FAST_INTERVAL });
      await waitFor(() => store.samples.length >= 1, 'a sample');

      expect(store.samples[0].host).toBe(host.toLowerCase());
      expect(agent.stderr()).toBe('');
    });
  });

  describe('urlencode', () => {
    /** The script's own urlencode function, run alone under /bin/sh. */
    function urlencode(text: string): string {
      const source = /^urlencode\(\) \{\n[\s\S]*?\n\}\n/m.exec(readFileSync(AGENT_SCRIPT_PATH, 'utf8'))![0];
      return execFileSync('/bin/sh', ['-c', `${source}urlencode "$1"`, 'sh', text], { encoding: 'utf8' });
    }

    it('leaves unreserved characters as they are', () => {
      expect(urlencode('Web-01.example_com~')).toBe('Web-01.example_com~');
    });

    it('percent-encodes every other byte, UTF-8 included', () => {
      expect(urlencode('wéb/01 %?#')).toBe('w%C3%A9b%2F01%20%25%3F%23');
    });
  });

  describe('fetched from the server it reports to (GET /agent.sh)', () => {
    it('runs as curl | sh and posts samples with an ingest token', async () => {
      const tracker = await startServerProcess({
        LOG_LEVEL: 'debug',
        SERVERTRACK_INGEST_TOKEN: 'agent-token',
        SERVERTRACK_READ_TOKEN: 'read-token',
      });
      const fetched = spawn('/bin/sh', ['-c', `curl -fsS ${tracker.baseUrl}/agent.sh | sh`], {
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          SERVERTRACK_URL: tracker.baseUrl,
          SERVERTRACK_TOKEN: 'agent-token',
          SERVERTRACK_HOST: 'fetched-01',
          INTERVAL: '0.2',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
        detached: true,
      });
      let stderr = '';
      fetched.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      try {
        await tracker.waitForLines(/"method":"POST","path":"\/perf\/fetched-01","status":201/);
        const res = await fetch(`${tracker.baseUrl}/perf`, { headers: { Authorization: 'Bearer read-token' } });
        const hosts = (await res.json()) as { host: string; cpuload: number; memload: number }[];
        expect(hosts.map((h) => h.host)).toEqual(['fetched-01']);
        expect(hosts[0].cpuload).toBeGreaterThanOrEqual(0);
        expect(hosts[0].memload).toBeGreaterThan(0);
        expect(stderr).toBe('');
      } finally {
        // The pipeline is a process group of its own: curl has gone, sh (the agent) and its sleep remain.
        process.kill(-fetched.pid!, 'SIGTERM');
        await tracker.stop();
      }
    });
  });
});
