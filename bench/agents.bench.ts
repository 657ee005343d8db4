/*
 * agents: samples/s through the agent endpoints, the server pinned to one core, batches of
 * 1,000 samples (hosts) per request. Telegraf-shaped line protocol through /api/v2/write
 * without gzip: per host a cpu-total line, two per-core cpu lines, a mem line and an
 * unrelated disk line (5 lines, 1 sample). collectd Format "JSON" through /collectd: per host
 * cpu percent-idle and percent-user, memory percent-used and percent-free, and an unrelated
 * load value list (5 value lists, 1 sample). Target (issue 12): >= 100,000 samples/s for
 * each. Baseline, in the same run and the same server: bulk NDJSON through POST /perf with
 * the same 1,000 samples per request.
 */
import { CAN_PIN } from './lib/cores';
import { LoadRequest, chooseLoadTool, describeLoad, runLoad } from './lib/load';
import { describeMachine, log, printCommand, printNote, printTable } from './lib/report';
import { DURATION_SEC, ROUNDS, WARMUP_SEC, rotated } from './lib/rounds';
import { SERVERTRACK, startServer } from './lib/server-process';
import { formatNumber, formatRatio, median } from './lib/stats';

const HOST_COUNT = 10_000;
const SAMPLES_PER_REQUEST = 1_000;
/** Distinct bodies each connection cycles through, so hosts and values vary. */
const BODIES_PER_CASE = 4;
/** Few connections: each request is a whole batch, and more would only queue. */
const CONNECTIONS = 4;
const TARGET_SAMPLES_PER_SEC = 100_000;

interface Case {
  name: string;
  requests: LoadRequest[];
}

interface HostLoad {
  host: string;
  cpuLoad: number;
  memLoad: number;
}

function hostLoads(body: number): HostLoad[] {
  return Array.from({ length: SAMPLES_PER_REQUEST }, (_, i) => {
    const k = body * SAMPLES_PER_REQUEST + i;
    return { host: `host-${k % HOST_COUNT}`, cpuLoad: (k % 100) + 0.5, memLoad: (k * 7) % 100 };
  });
}

function buildCase(name: string, body: (loads: HostLoad[]) => Omit<LoadRequest, 'method'>): Case {
  return { name, requests: Array.from({ length: BODIES_PER_CASE }, (_, b) => ({ method: 'POST' as const, ...body(hostLoads(b)) })) };
}

/** Built once, before timing; a few seconds in the past, so every request is inside the window. */
const GATHER_SEC = Math.floor(Date.now() / 1000) - 10;

const NDJSON = buildCase('POST /perf, NDJSON (baseline)', (loads) => ({
  path: '/perf',
  headers: { 'Content-Type': 'application/x-ndjson' },
  body: loads.map((l) => JSON.stringify({ host: l.host, cpuload: l.cpuLoad, memload: l.memLoad })).join('\n') + '\n',
}));

const LINE_PROTOCOL = buildCase('POST /api/v2/write, Telegraf line protocol, 5 lines per sample', (loads) => {
  const ts = `${GATHER_SEC}000000000`;
  const lines = loads.flatMap((l) => [
    `cpu,cpu=cpu-total,host=${l.host} usage_guest=0,usage_idle=${100 - l.cpuLoad},usage_iowait=0.1,usage_system=1.2,usage_user=${l.cpuLoad - 1.3} ${ts}`,
    `cpu,cpu=cpu0,host=${l.host} usage_guest=0,usage_idle=50,usage_iowait=0.1,usage_system=1.2,usage_user=48.7 ${ts}`,
    `cpu,cpu=cpu1,host=${l.host} usage_guest=0,usage_idle=60,usage_iowait=0.1,usage_system=1.2,usage_user=38.7 ${ts}`,
    `mem,host=${l.host} active=1000000i,available=6000000000i,available_percent=75,total=8000000000i,used=2000000000i,used_percent=${l.memLoad} ${ts}`,
    `disk,device=sda1,fstype=ext4,host=${l.host},mode=rw,path=/ free=1000000i,total=2000000i,used=1000000i,used_percent=50 ${ts}`,
  ]);
  return {
    path: '/api/v2/write?org=ops&bucket=telegraf&precision=ns',
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    body: lines.join('\n') + '\n',
  };
});

function valueList(host: string, plugin: string, type: string, typeInstance: string, value: number) {
  return {
    values: [value],
    dstypes: ['gauge'],
    dsnames: ['value'],
    time: GATHER_SEC + 0.123,
    interval: 10,
    host,
    plugin,
    plugin_instance: '',
    type,
    type_instance: typeInstance,
  };
}

const COLLECTD_JSON = buildCase('POST /collectd, collectd Format "JSON", 5 value lists per sample', (loads) => ({
  path: '/collectd',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(
    loads.flatMap((l) => [
      valueList(l.host, 'cpu', 'percent', 'idle', 100 - l.cpuLoad),
      valueList(l.host, 'cpu', 'percent', 'user', l.cpuLoad),
      valueList(l.host, 'memory', 'percent', 'used', l.memLoad),
      valueList(l.host, 'memory', 'percent', 'free', 100 - l.memLoad),
      valueList(l.host, 'load', 'load', '', 0.5),
    ]),
  ),
}));

async function main(): Promise<void> {
  const tool = chooseLoadTool();
  const cases = [NDJSON, LINE_PROTOCOL, COLLECTD_JSON];
  const samplesPerSec = new Map<Case, number[]>(cases.map((c) => [c, []]));
  const p99 = new Map<Case, number[]>(cases.map((c) => [c, []]));
  const ratios = new Map<Case, number[]>(cases.map((c) => [c, []]));
  log(`agents: ${ROUNDS} rounds x ${cases.length} cases, ${DURATION_SEC} s each, ${tool}, pinned: ${CAN_PIN}`);
  for (let round = 0; round < ROUNDS; round++) {
    const thisRound = new Map<Case, number>();
    // One server per round, fresh, so every case of the round meets the same store size.
    const server = await startServer(SERVERTRACK);
    try {
      for (const c of rotated(cases, round)) {
        const spec = { baseUrl: server.baseUrl, requests: c.requests, connections: CONNECTIONS };
        await runLoad(tool, { ...spec, durationSec: WARMUP_SEC });
        const result = await runLoad(tool, { ...spec, durationSec: DURATION_SEC });
        if (result.failures > 0) throw new Error(`${c.name}: ${result.failures} failed requests`);
        const rate = result.requestsPerSec * SAMPLES_PER_REQUEST;
        thisRound.set(c, rate);
        samplesPerSec.get(c)?.push(rate);
        p99.get(c)?.push(result.p99Ms);
        log(`round ${round + 1}: ${c.name}: ${formatNumber(rate)} samples/s, p99 ${result.p99Ms.toFixed(2)} ms`);
      }
    } finally {
      await server.stop();
    }
    for (const c of cases) ratios.get(c)?.push((thisRound.get(c) ?? NaN) / (thisRound.get(NDJSON) ?? NaN));
  }
  const rows = cases.map((c) => {
    const rate = median(samplesPerSec.get(c) ?? []);
    return [
      c.name,
      formatNumber(rate),
      median(p99.get(c) ?? []).toFixed(2),
      c === NDJSON ? '1.00x' : formatRatio(median(ratios.get(c) ?? [])),
      c === NDJSON ? '' : rate >= TARGET_SAMPLES_PER_SEC ? 'met' : 'missed',
    ];
  });
  printTable(
    `agents: samples/s, ${formatNumber(SAMPLES_PER_REQUEST)} samples per request, server on one core (median of ${ROUNDS} rounds; target >= ${formatNumber(TARGET_SAMPLES_PER_SEC)})`,
    ['request', 'samples/s', 'p99 ms per request', 'vs bulk NDJSON', 'target'],
    rows,
  );
  console.log(`machine: ${describeMachine()}`);
  printNote(`load: ${describeLoad(tool, CONNECTIONS, DURATION_SEC)}; server: taskset -c 0 node dist/server.js`);
  printCommand('npm run bench:agents');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
