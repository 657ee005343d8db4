/*
 * store: HostStore.record() and report() in process, against a plain Map update (get a
 * number, add one, set it back) as the baseline, over 1,000 hosts. Pinned to one core.
 */
import { pinSelf, SERVER_CORE } from './lib/cores';
import { describeMachine, log, printCommand, printTable } from './lib/report';
import { ROUNDS } from './lib/rounds';
import { formatNumber, formatRatio } from './lib/stats';
import { alternate } from './lib/timing';
import { HostStore } from '../src/store/host-store';
import { Sample } from '../src/store/store';

const HOST_COUNT = 1_000;
const RECORD_ITERATIONS = 5_000_000;
const REPORT_ITERATIONS = 200_000;
const NOW_SEC = 1_700_000_000;
const NS_PER_SEC = 1e9;

function main(): void {
  pinSelf(SERVER_CORE);
  const hosts = Array.from({ length: HOST_COUNT }, (_, i) => `host-${i}`); // built before timing
  // Distinct samples over the last minute, built before timing so the loop only records.
  const samples: Sample[] = Array.from({ length: 4_096 }, (_, i) => ({
    timeSec: NOW_SEC - (i % 60),
    cpuLoad: i % 100,
    memLoad: (i * 7) % 100,
  }));
  const store = new HostStore();
  const counts = new Map<string, number>();
  for (const host of hosts) store.record(host, samples[0], NOW_SEC);

  log(`store: ${ROUNDS} rounds (+1 warm-up) of ${formatNumber(RECORD_ITERATIONS)} records / ${formatNumber(REPORT_ITERATIONS)} reports`);
  const record = alternate(ROUNDS, RECORD_ITERATIONS, [
    (i) => counts.set(hosts[i % HOST_COUNT], (counts.get(hosts[i % HOST_COUNT]) ?? 0) + 1),
    (i) => store.record(hosts[i % HOST_COUNT], samples[i & 4095], NOW_SEC),
  ]);
  let sink = 0;
  const report = alternate(ROUNDS, REPORT_ITERATIONS, [
    (i) => (sink += counts.get(hosts[i % HOST_COUNT]) ?? 0),
    (i) => (sink += store.report(hosts[i % HOST_COUNT], 'last_minute', NOW_SEC)?.length ?? 0),
    (i) => (sink += store.report(hosts[i % HOST_COUNT], 'last_day', NOW_SEC)?.length ?? 0),
  ]);
  if (sink === 0) throw new Error('reports returned nothing');

  const opsPerSec = (ns: number): string => formatNumber(NS_PER_SEC / ns);
  printTable(
    `store: in-process operations, ${formatNumber(HOST_COUNT)} hosts (median of ${ROUNDS} rounds)`,
    ['operation', 'ops/s', 'ns/op', 'vs Map baseline', 'target'],
    [
      ['Map get + set (baseline)', opsPerSec(record.nsPerOp[0]), record.nsPerOp[0].toFixed(1), '1.00x', ''],
      [
        'HostStore.record()',
        opsPerSec(record.nsPerOp[1]),
        record.nsPerOp[1].toFixed(1),
        `${formatRatio(record.ratioToFirst[1])} the time`,
        '>= 10,000,000 ops/s',
      ],
      ['Map get (baseline)', opsPerSec(report.nsPerOp[0]), report.nsPerOp[0].toFixed(1), '1.00x', ''],
      [
        'HostStore.report(last_minute), 60 intervals',
        opsPerSec(report.nsPerOp[1]),
        report.nsPerOp[1].toFixed(1),
        `${formatRatio(report.ratioToFirst[1])} the time`,
        '',
      ],
      [
        'HostStore.report(last_day), 24 intervals',
        opsPerSec(report.nsPerOp[2]),
        report.nsPerOp[2].toFixed(1),
        `${formatRatio(report.ratioToFirst[2])} the time`,
        '',
      ],
    ],
  );
  console.log(`machine: ${describeMachine()}`);
  printCommand('npm run bench:store');
}

main();
