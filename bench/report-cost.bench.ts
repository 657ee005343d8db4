/*
 * report-cost: what one report costs for a host holding 1,000 samples against one holding
 * 1,000,000, in process: store.report(), the wire mapping and JSON.stringify, i.e. all of
 * GET /perf/:host/:mode but HTTP. The ring keeps sums per bucket, so the cost should not
 * depend on how many samples went in; the 1,000-sample host is the baseline.
 */
import { SERVER_CORE, pinSelf } from './lib/cores';
import { describeMachine, log, printCommand, printTable } from './lib/report';
import { ROUNDS } from './lib/rounds';
import { formatNumber, formatRatio } from './lib/stats';
import { alternate } from './lib/timing';
import { toWireIntervals } from '../src/http/wire';
import { HostStore } from '../src/store/host-store';
import { Mode, RESOLUTIONS } from '../src/store/modes';
import { SECONDS_PER_HOUR } from '../src/store/time';

const NOW_SEC = 1_700_000_000;
const ITERATIONS = 5_000;
// Short rounds, many of them: on a shared machine a burst of noise then spoils one round, not a side.
const REPORT_ROUNDS = 4 * ROUNDS;
const SAMPLE_COUNTS = [1_000, 1_000_000];
const MODES: Mode[] = ['last_hour', 'last_day'];

/**
 * Half the samples spread evenly over the last hour, half over the last day, so every
 * bucket of both windows is live for both hosts and both answers have the same length.
 * The loads are constant so both answers are the same bytes: a mean like 49.51234567
 * costs more to print than 25, which would measure number formatting, not sample count.
 */
function fill(store: HostStore, host: string, count: number): void {
  const half = count / 2;
  const spans = [SECONDS_PER_HOUR - 1, 24 * SECONDS_PER_HOUR - 1];
  for (const spanSec of spans) {
    for (let i = 0; i < half; i++) {
      store.record(host, { timeSec: NOW_SEC - (i * spanSec) / half, cpuLoad: 25, memLoad: 50 }, NOW_SEC);
    }
  }
}

function main(): void {
  pinSelf(SERVER_CORE);
  const store = new HostStore();
  for (const count of SAMPLE_COUNTS) fill(store, `host-${count}`, count);
  for (const mode of MODES) {
    const lengths = SAMPLE_COUNTS.map((count) => store.report(`host-${count}`, mode, NOW_SEC)?.filter((i) => i.samples > 0).length);
    if (lengths[0] !== RESOLUTIONS[mode].bucketCount || lengths[1] !== lengths[0]) throw new Error(`${mode}: not every bucket is live`);
  }
  log(`report-cost: ${REPORT_ROUNDS} rounds (+1 warm-up) of ${formatNumber(ITERATIONS)} reports per host and mode`);
  const rows: string[][] = [];
  let sink = 0;
  for (const mode of MODES) {
    const reportOf = (host: string) => () => {
      const intervals = store.report(host, mode, NOW_SEC) ?? [];
      sink += JSON.stringify(toWireIntervals(intervals, RESOLUTIONS[mode].bucketSeconds, false)).length;
    };
    const result = alternate(
      REPORT_ROUNDS,
      ITERATIONS,
      SAMPLE_COUNTS.map((count) => reportOf(`host-${count}`)),
    );
    SAMPLE_COUNTS.forEach((count, k) => {
      rows.push([
        mode,
        formatNumber(count),
        (result.nsPerOp[k] / 1000).toFixed(2),
        k === 0 ? '1.00x (baseline)' : formatRatio(result.ratioToFirst[k]),
      ]);
    });
  }
  if (sink === 0) throw new Error('reports were empty');
  printTable(
    `report-cost: one report, store + wire + JSON (median of ${REPORT_ROUNDS} rounds)`,
    ['mode', 'samples held', 'µs per report', 'vs 1,000 samples (target within 10%)'],
    rows,
  );
  console.log(`machine: ${describeMachine()}`);
  printCommand('npm run bench:report-cost');
}

main();
