/*
 * Telegraf's wire format from outside the code base: the official InfluxDB client from npm
 * (@influxdata/influxdb-client) writes Telegraf-shaped points through /api/v2/write with gzip
 * on, and curl writes line protocol to /write; both against a ServerTrack process on a free
 * port, with tokens, and the exact loads read back.
 */
import { execFile } from 'node:child_process';
import { InfluxDB, Point, setLogger } from '@influxdata/influxdb-client';
import { ServerProcess, startServerProcess } from '../helpers/server-process';

jest.setTimeout(30_000);

const INGEST_TOKEN = 'telegraf-ingest-1';
const READ_TOKEN = 'telegraf-read-1';

function isoSecond(sec: number): string {
  return new Date(sec * 1000).toISOString().slice(0, 19) + 'Z';
}

async function lastMinute(server: ServerProcess, host: string): Promise<unknown> {
  const res = await fetch(`${server.baseUrl}/perf/${host}/last_minute`, { headers: { Authorization: `Bearer ${READ_TOKEN}` } });
  return { status: res.status, body: await res.json() };
}

function curl(args: string[], stdin: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('curl', ['-sS', ...args], (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    );
    child.stdin?.end(stdin);
  });
}

describe('Telegraf-shaped writes from real clients', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess({ SERVERTRACK_INGEST_TOKEN: INGEST_TOKEN, SERVERTRACK_READ_TOKEN: READ_TOKEN });
  });

  afterAll(async () => {
    await server.stop();
  });

  it('@influxdata/influxdb-client: cpu-total, two cores, mem and a disk line through /api/v2/write, gzip on', async () => {
    const gatherSec = Math.floor(Date.now() / 1000) - 5;
    const at = new Date(gatherSec * 1000 + 250);
    const writeApi = new InfluxDB({ url: server.baseUrl, token: INGEST_TOKEN }).getWriteApi('ops', 'telegraf', 'ns', {
      gzipThreshold: 0, // every body gzipped, as Telegraf's content_encoding = "gzip" does
      maxRetries: 0,
      flushInterval: 0,
    });
    writeApi.writePoints([
      new Point('cpu')
        .tag('cpu', 'cpu-total')
        .tag('host', 'Telegraf-01')
        .floatField('usage_idle', 82.25)
        .floatField('usage_user', 12.5)
        .floatField('usage_system', 5.25)
        .timestamp(at),
      new Point('cpu')
        .tag('cpu', 'cpu0')
        .tag('host', 'Telegraf-01')
        .floatField('usage_idle', 70)
        .floatField('usage_user', 30)
        .timestamp(at),
      new Point('cpu')
        .tag('cpu', 'cpu1')
        .tag('host', 'Telegraf-01')
        .floatField('usage_idle', 94.5)
        .floatField('usage_user', 5.5)
        .timestamp(at),
      new Point('mem')
        .tag('host', 'Telegraf-01')
        .intField('total', 8_000_000_000)
        .intField('available', 5_000_000_000)
        .floatField('used_percent', 37.5)
        .timestamp(at),
      new Point('disk')
        .tag('host', 'Telegraf-01')
        .tag('path', '/')
        .tag('fstype', 'ext4')
        .intField('free', 1234)
        .floatField('used_percent', 99.5)
        .timestamp(at),
    ]);
    await writeApi.close(); // flushes, and rejects on any answer but 204

    expect(await lastMinute(server, 'telegraf-01')).toEqual({
      status: 200,
      body: [
        {
          time: isoSecond(gatherSec),
          interval: 1,
          samples: 1,
          cpuload: 17.75,
          memload: 37.5,
          cpuload_min: 17.75,
          cpuload_max: 17.75,
          memload_min: 37.5,
          memload_max: 37.5,
        },
      ],
    });
  });

  it('@influxdata/influxdb-client: a refused write rejects with InfluxDB’s error body, whose message the client logs', async () => {
    const logged: string[] = [];
    setLogger({ error: (message, err) => logged.push(`${message} ${String(err)}`), warn: (message) => logged.push(message) });
    const writeApi = new InfluxDB({ url: server.baseUrl, token: INGEST_TOKEN }).getWriteApi('ops', 'telegraf', 's', {
      maxRetries: 0,
      flushInterval: 0,
    });
    writeApi.writeRecord('mem used_percent=10');
    await expect(writeApi.close()).rejects.toMatchObject({
      statusCode: 400,
      body: '{"code":"invalid","message":"line 1: a mem line needs a host tag; nothing was recorded"}',
    });
    expect(logged).toEqual(['Write to InfluxDB failed. HttpError: line 1: a mem line needs a host tag; nothing was recorded']);
  });

  it('curl: line protocol to /write, the token as ?p=', async () => {
    const gatherSec = Math.floor(Date.now() / 1000) - 3;
    const body = `cpu,cpu=cpu-total,host=curl-01 usage_idle=60.5 ${gatherSec}\ncpu,cpu=cpu0,host=curl-01 usage_idle=1 ${gatherSec}\nmem,host=curl-01 used_percent=12.25 ${gatherSec}\n`;
    const status = await curl(
      [
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        '--data-binary',
        '@-',
        `${server.baseUrl}/write?db=telegraf&precision=s&u=telegraf&p=${INGEST_TOKEN}`,
      ],
      body,
    );
    expect(status).toBe('204');
    expect(await lastMinute(server, 'curl-01')).toEqual({
      status: 200,
      body: [
        {
          time: isoSecond(gatherSec),
          interval: 1,
          samples: 1,
          cpuload: 39.5,
          memload: 12.25,
          cpuload_min: 39.5,
          cpuload_max: 39.5,
          memload_min: 12.25,
          memload_max: 12.25,
        },
      ],
    });
  });
});
