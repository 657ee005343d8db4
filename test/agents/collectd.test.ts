/*
 * Debian's collectd against a ServerTrack process on a free port, in both write_http
 * formats, with a token: the cpu, memory and write_http plugins at Interval 1, as
 * docs/collectd.md configures them. collectd's own csv files say which reads it made; every
 * read that holds both a cpu and a memory value must come back as exactly one sample.
 */
import { ServerProcess, startServerProcess } from '../helpers/server-process';
import { CollectdProcess, startCollectd } from '../helpers/collectd-process';

jest.setTimeout(60_000);

const INGEST_TOKEN = 'collectd-ingest-1';
const READ_TOKEN = 'collectd-read-1';
const POLL_INTERVAL_MS = 100;
const WAIT_TIMEOUT_MS = 30_000;

interface WireInterval {
  time: string;
  samples: number;
  cpuload: number;
  memload: number;
}

async function report(server: ServerProcess, host: string): Promise<WireInterval[]> {
  const res = await fetch(`${server.baseUrl}/perf/${host}/last_minute`, { headers: { Authorization: `Bearer ${READ_TOKEN}` } });
  if (res.status === 404) return [];
  if (res.status !== 200) throw new Error(`report answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as WireInterval[];
}

const totalSamples = (intervals: WireInterval[]): number => intervals.reduce((sum, i) => sum + i.samples, 0);

/** Polls the report (what the server recorded) until `done` holds; no fixed sleep. */
async function waitForReport(
  server: ServerProcess,
  host: string,
  done: (intervals: WireInterval[]) => boolean,
  what: string,
): Promise<WireInterval[]> {
  const deadline = Date.now() + WAIT_TIMEOUT_MS;
  for (;;) {
    const intervals = await report(server, host);
    if (done(intervals)) return intervals;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last report: ${JSON.stringify(intervals)}\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/** Reads collectd made with both values: a cpu time with a memory time within half the 1 s interval. */
function pairedReads(collectd: CollectdProcess): number {
  const memoryTimes = collectd.readTimes('memory/percent-used');
  return collectd.readTimes('cpu/percent-idle').filter((cpuSec) => memoryTimes.some((memSec) => Math.abs(memSec - cpuSec) <= 0.5)).length;
}

describe('collectd (Debian collectd-core) through write_http', () => {
  let server: ServerProcess | undefined;
  let collectd: CollectdProcess | undefined;

  beforeAll(async () => {
    server = await startServerProcess({ SERVERTRACK_INGEST_TOKEN: INGEST_TOKEN, SERVERTRACK_READ_TOKEN: READ_TOKEN });
  });

  afterEach(async () => {
    await collectd?.remove();
    collectd = undefined;
  });

  afterAll(async () => {
    await server?.stop();
  });

  it.each([
    ['JSON', 'collectd-json', [`User "collectd"`, `Password "${INGEST_TOKEN}"`]],
    ['Command', 'collectd-command', [`Header "Authorization: Bearer ${INGEST_TOKEN}"`]],
  ] as const)('records one sample per read, loads in range, from Format "%s"', async (format, hostname, authLines) => {
    const running = server as ServerProcess;
    collectd = await startCollectd({ hostname, url: `${running.baseUrl}/collectd`, format, authLines: [...authLines] });
    await waitForReport(running, hostname, (intervals) => totalSamples(intervals) >= 3, 'three samples');
    expect(await collectd.stop()).toBe(0);
    const reads = pairedReads(collectd);
    expect(reads).toBeGreaterThanOrEqual(3);
    // Stopping flushes write_http's buffer: every read collectd made reaches the server.
    const intervals = await waitForReport(running, hostname, (i) => totalSamples(i) >= reads, `${reads} samples`);
    expect(totalSamples(intervals)).toBe(reads);
    for (const interval of intervals) {
      expect(interval.cpuload).toBeGreaterThanOrEqual(0);
      expect(interval.cpuload).toBeLessThanOrEqual(100);
      expect(interval.memload).toBeGreaterThan(0);
      expect(interval.memload).toBeLessThanOrEqual(100);
    }
    expect(collectd.output()).not.toMatch(/write_http plugin: .*(failed|error)/i);
  });
});
