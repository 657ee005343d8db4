/*
 * Internal names to wire names. The store speaks camelCase and epoch seconds; clients get
 * cpuload / memload, ISO-8601 times and the interval length.
 */
import { Interval } from '../store/ring-buffer';
import { HostSummary } from '../store/store';
import { toIsoSecond } from '../store/time';

export interface WireInterval {
  time: string;
  interval: number;
  samples: number;
  cpuload: number | null;
  memload: number | null;
  cpuload_min: number | null;
  cpuload_max: number | null;
  memload_min: number | null;
  memload_max: number | null;
}

export function toWireIntervals(intervals: Interval[], bucketSeconds: number, fill: boolean): WireInterval[] {
  const wire: WireInterval[] = [];
  for (const interval of intervals) {
    if (!fill && interval.samples === 0) continue;
    wire.push({
      time: toIsoSecond(interval.startSec),
      interval: bucketSeconds,
      samples: interval.samples,
      cpuload: interval.cpuMean,
      memload: interval.memMean,
      cpuload_min: interval.cpuMin,
      cpuload_max: interval.cpuMax,
      memload_min: interval.memMin,
      memload_max: interval.memMax,
    });
  }
  return wire;
}

export function toWireHosts(hosts: HostSummary[]): { host: string; last_seen: string; cpuload: number; memload: number }[] {
  return hosts.map((h) => ({ host: h.host, last_seen: toIsoSecond(h.lastSeenSec), cpuload: h.cpuLoad, memload: h.memLoad }));
}
