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
import { WireStatistics, toWireLoad, toWireNumber, toWireStatistics } from './wire';

export type WireHost = {
  host: string;
  last_seen: string;
  cpuload: number;
  memload: number;
  status: HostStatus;
} & Partial<Record<Mode, WireStatistics>>;

export function toWireHost(summary: HostSummary, status: HostStatus, window?: { mode: Mode; totals: WindowTotals }): WireHost {
  const wire: WireHost = {
    host: summary.host,
    last_seen: toIsoSecond(summary.lastSeenSec),
    cpuload: toWireNumber(summary.cpuLoad),
    memload: toWireNumber(summary.memLoad),
    status,
  };
  if (window !== undefined) wire[window.mode] = toWireStatistics(window.totals);
  return wire;
}

export type WireFleetInterval = Record<string, string | number | null>;

export function toWireFleetInterval(interval: FleetInterval, bucketSeconds: number): WireFleetInterval {
  const wire: WireFleetInterval = {
    time: toIsoSecond(interval.startSec),
    interval: bucketSeconds,
    hosts: interval.hosts,
    ...toWireStatistics(interval),
  };
  FLEET_PERCENTILES.forEach((p, i) => (wire[`cpuload_p${p}`] = toWireLoad(interval.cpuPercentiles[i] ?? null)));
  FLEET_PERCENTILES.forEach((p, i) => (wire[`memload_p${p}`] = toWireLoad(interval.memPercentiles[i] ?? null)));
  return wire;
}
