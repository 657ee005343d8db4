/*
 * Hosts with the totals of one window, from any store: through its own hostWindows when it
 * has one (the in-memory store sums its rings in place), otherwise by summing each matching
 * host's report, REPORT_CHUNK hosts at a time so a networked store is never handed a whole
 * fleet of reads at once.
 */
import { Mode } from '../store/modes';
import { HostFilter, HostWindow, Interval, Store, WindowTotals } from '../store/store';

const REPORT_CHUNK = 1_000;

/** The totals of a report's intervals; the same numbers the store's own hostWindows sums (up to rounding of mean × count). */
export function windowTotalsOf(intervals: readonly Interval[]): WindowTotals {
  const totals = { samples: 0, cpuSum: 0, memSum: 0 };
  for (const interval of intervals) {
    if (interval.samples === 0) continue;
    totals.samples += interval.samples;
    totals.cpuSum += (interval.cpuMean ?? 0) * interval.samples;
    totals.memSum += (interval.memMean ?? 0) * interval.samples;
  }
  return totals;
}

/** Every host `accept` takes, with its newest sample and `mode`'s window totals, sorted by host name. */
export async function hostWindows(store: Store, mode: Mode, nowSec: number, accept: HostFilter): Promise<HostWindow[]> {
  if (store.hostWindows !== undefined) return store.hostWindows(mode, nowSec, accept);
  const hosts = (await store.hosts(nowSec)).filter((summary) => accept(summary.host, summary.lastSeenSec));
  const windows: HostWindow[] = [];
  for (let from = 0; from < hosts.length; from += REPORT_CHUNK) {
    const chunk = hosts.slice(from, from + REPORT_CHUNK);
    const reports = await Promise.all(chunk.map((summary) => store.report(summary.host, mode, nowSec)));
    chunk.forEach((summary, i) => {
      const intervals = reports[i];
      // Forgotten (or expired) between the listing and its report: it is gone, so it is not listed.
      if (intervals !== undefined) windows.push({ ...summary, window: windowTotalsOf(intervals) });
    });
  }
  return windows;
}
