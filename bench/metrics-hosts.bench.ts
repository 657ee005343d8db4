/*
 * metrics-hosts: what one scrape of GET /metrics/hosts costs with 100,000 hosts, every
 * bucket of their last minute live, in process: the store read (newest sample and the
 * last-minute sums of every host) and the text, i.e. all of the route but HTTP. Baseline:
 * the whole fleet as JSON, store.hosts() and JSON.stringify (what GET /perf answered before
 * it was paged), over the same hosts. The route writes its text by hand; the third
 * contender is what that avoids:
 * the same five gauges as prom-client objects, one label set per host, serialised by
 * its registry.
 */
import { Gauge, Registry } from 'prom-client';
import { SERVER_CORE, pinSelf } from './lib/cores';
import { describeMachine, log, printCommand, printTable } from './lib/report';
import { ROUNDS, intFromEnv } from './lib/rounds';
import { formatNumber, formatRatio, median } from './lib/stats';
import { toWireNumber } from '../src/http/wire';
import { hostGauges } from '../src/http/metrics-hosts';
import { HostGauges, hostExpositionChunks } from '../src/metrics/host-exposition';
import { HostStore } from '../src/store/host-store';

const NOW_SEC = 1_700_000_000;
const HOSTS = intFromEnv('BENCH_METRICS_HOSTS', 100_000);
const SECONDS_PER_MINUTE = 60;
const EVERY_HOST = (): boolean => true;
const NS_PER_US = 1_000;

/** Every host gets one sample in each second of the last minute, with loads that differ by host, as a fleet's do. */
function fill(store: HostStore): void {
  for (let h = 0; h < HOSTS; h++) {
    const host = `host-${String(h).padStart(6, '0')}.example.com`;
    for (let s = SECONDS_PER_MINUTE - 1; s >= 0; s--) {
      store.record(host, { timeSec: NOW_SEC - s, cpuLoad: (h * 7 + s) % 100, memLoad: (h * 13 + s * 3) % 100 }, NOW_SEC);
    }
  }
}

/** The five families as prom-client gauges, set from the same hosts on each scrape. */
function promClientScrape(): (hosts: HostGauges[]) => Promise<string> {
  const registry = new Registry();
  const gauge = (name: string): Gauge => new Gauge({ name, help: name, labelNames: ['host'], registers: [registry] });
  const cpu = gauge('servertrack_host_cpu_load_percent');
  const mem = gauge('servertrack_host_memory_load_percent');
  const lastSeen = gauge('servertrack_host_last_seen_timestamp_seconds');
  const cpuMinute = gauge('servertrack_host_cpu_load_last_minute_percent');
  const memMinute = gauge('servertrack_host_memory_load_last_minute_percent');
  return (hosts) => {
    registry.resetMetrics();
    for (const h of hosts) {
      const labels = { host: h.host };
      cpu.set(labels, toWireNumber(h.cpuLoad));
      mem.set(labels, toWireNumber(h.memLoad));
      lastSeen.set(labels, h.lastSeenSec);
      if (h.cpuLastMinute !== null) cpuMinute.set(labels, toWireNumber(h.cpuLastMinute));
      if (h.memLastMinute !== null) memMinute.set(labels, toWireNumber(h.memLastMinute));
    }
    return registry.metrics();
  };
}

async function main(): Promise<void> {
  pinSelf(SERVER_CORE);
  const store = new HostStore({ maxHosts: HOSTS });
  log(`metrics-hosts: filling ${formatNumber(HOSTS)} hosts × ${SECONDS_PER_MINUTE} samples`);
  fill(store);
  // Each contender ends with the bytes it would hand the socket, as the route does.
  const listing = (): number => Buffer.from(JSON.stringify(store.hosts(NOW_SEC))).length;
  const exposition = async (): Promise<number> => {
    let bytes = 0;
    for (const chunk of hostExpositionChunks(await hostGauges(store, NOW_SEC, EVERY_HOST))) bytes += Buffer.from(chunk).length;
    return bytes;
  };
  const viaPromClient = promClientScrape();

  const gauges = await hostGauges(store, NOW_SEC, EVERY_HOST);
  if (gauges.length !== HOSTS || gauges.some((h) => h.cpuLastMinute === null)) throw new Error('not every host has a live last minute');
  const contenders: (() => number | Promise<number>)[] = [
    listing,
    exposition,
    async () => Buffer.from(await viaPromClient(await hostGauges(store, NOW_SEC, EVERY_HOST))).length,
  ];
  const bodyBytes: number[] = [];
  for (const contender of contenders) bodyBytes.push(await contender());

  // As bench/lib/timing.ts alternate() does, but awaiting: prom-client's registry answers with a promise.
  log(`metrics-hosts: ${ROUNDS} rounds (+1 warm-up) of one scrape per contender`);
  const perOp: number[][] = contenders.map(() => []);
  const ratios: number[][] = contenders.map(() => []);
  for (let round = 0; round <= ROUNDS; round++) {
    const ns: number[] = new Array(contenders.length);
    for (let k = 0; k < contenders.length; k++) {
      const c = (k + round) % contenders.length;
      const started = process.cpuUsage();
      await contenders[c]();
      const used = process.cpuUsage(started);
      ns[c] = (used.user + used.system) * NS_PER_US;
    }
    if (round === 0) continue;
    contenders.forEach((_, c) => {
      perOp[c].push(ns[c]);
      ratios[c].push(ns[c] / ns[0]);
    });
  }
  const ms = (ns: number): string => (ns / 1e6).toFixed(1);
  const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
  const row = (what: string, c: number): string[] => [
    what,
    ms(median(perOp[c])),
    mib(bodyBytes[c]),
    c === 0 ? '1.00x (baseline)' : formatRatio(median(ratios[c])),
  ];
  printTable(
    `metrics-hosts: one scrape of ${formatNumber(HOSTS)} hosts, in process (CPU time, median of ${ROUNDS} rounds)`,
    ['what', 'ms per scrape', 'body MiB', 'vs the fleet as JSON'],
    [
      row('the fleet as JSON: store.hosts() + JSON.stringify + bytes (baseline)', 0),
      row('GET /metrics/hosts: hostGauges() + hostExpositionChunks() + bytes', 1),
      row('the same gauges as prom-client objects (the route does not do this)', 2),
    ],
  );
  console.log(`machine: ${describeMachine()}`);
  printCommand('npm run bench:metrics-hosts');
}

void main();
