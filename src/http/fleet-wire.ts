/*
 * The fleet answers on the wire: host entries of GET /perf and /perf/{host} with their
 * status (and window statistics), and the intervals of GET /fleet/{mode}. Loads are rounded
 * like every other load (wire.ts).
 */
import { FLEET_PERCENTILES, FleetInterval } from '../fleet/fleet-aggregate';
import { HostStatus } from '../fleet/status';
import { WindowTotals } from '../fleet/window-totals';
import { Mode } from '../store/modes';
import { HostSummary } from '../store/store';
import { toIsoSecond } from '../store/time';
import { toWireNumber } from './wire';

function toWireLoad(value: number | null): number | null {
  return value === null ? null : toWireNumber(value);
}

export interface WireWindow {
  samples: number;
  cpuload: number | null;
  memload: number | null;
  cpuload_min: number | null;
  cpuload_max: number | null;
  memload_min: number | null;
  memload_max: number | null;
}

export type WireHost = {
  host: string;
  last_seen: string;
  cpuload: number;
  memload: number;
  status: HostStatus;
} & Partial<Record<Mode, WireWindow>>;

export function toWireHost(summary: HostSummary, status: HostStatus, window?: { mode: Mode; totals: WindowTotals }): WireHost {
  const wire: WireHost = {
    host: summary.host,
    last_seen: toIsoSecond(summary.lastSeenSec),
    cpuload: toWireNumber(summary.cpuLoad),
    memload: toWireNumber(summary.memLoad),
    status,
  };
  if (window !== undefined) wire[window.mode] = toWireWindow(window.totals);
  return wire;
}

function toWireWindow(totals: WindowTotals): WireWindow {
  return {
    samples: totals.samples,
    cpuload: toWireLoad(totals.cpuMean),
    memload: toWireLoad(totals.memMean),
    cpuload_min: toWireLoad(totals.cpuMin),
    cpuload_max: toWireLoad(totals.cpuMax),
    memload_min: toWireLoad(totals.memMin),
    memload_max: toWireLoad(totals.memMax),
  };
}

export type WireFleetInterval = Record<string, string | number | null>;

export function toWireFleetInterval(interval: FleetInterval, bucketSeconds: number): WireFleetInterval {
  const wire: WireFleetInterval = {
    time: toIsoSecond(interval.startSec),
    interval: bucketSeconds,
    hosts: interval.hosts,
    samples: interval.samples,
    cpuload: toWireLoad(interval.cpuMean),
    memload: toWireLoad(interval.memMean),
    cpuload_min: toWireLoad(interval.cpuMin),
    cpuload_max: toWireLoad(interval.cpuMax),
    memload_min: toWireLoad(interval.memMin),
    memload_max: toWireLoad(interval.memMax),
  };
  FLEET_PERCENTILES.forEach((p, i) => (wire[`cpuload_p${p}`] = toWireLoad(interval.cpuPercentiles[i] ?? null)));
  FLEET_PERCENTILES.forEach((p, i) => (wire[`memload_p${p}`] = toWireLoad(interval.memPercentiles[i] ?? null)));
  return wire;
}
