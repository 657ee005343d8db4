/*
 * Internal names to wire names. The store speaks camelCase and epoch seconds; clients get
 * cpuload / memload, ISO-8601 times and the interval length, and every load rounded to
 * WIRE_SIGNIFICANT_DIGITS: a mean is sum / count in binary doubles, so samples 0.1 and 0.2
 * would otherwise read 0.15000000000000002. Stores keep their exact sums; only the wire rounds.
 */
import { Interval, Statistics } from '../store/store';
import { toIsoSecond } from '../store/time';

const WIRE_SIGNIFICANT_DIGITS = 12;

/**
 * `value` to 12 significant digits. Loads (0-100) take a multiply, a round and a divide:
 * about 10 ns against 150 ns for Number(value.toPrecision(12)), which would double the cost of a
 * 60-interval report (360 numbers). k / 10^p is the double nearest the decimal k × 10^-p,
 * so it prints with at most 12 digits. The product can fall on the other side of a tie
 * than the exact decimal expansion would (about 1 value in 20,000); either way it is 12
 * digits within half a unit of the last. Anything outside the load range takes toPrecision.
 */
export function toWireNumber(value: number): number {
  if (value >= 10 && value < 100) return Math.round(value * 1e10) / 1e10;
  if (value >= 1 && value < 10) return Math.round(value * 1e11) / 1e11;
  if (value >= 0.1 && value < 1) return Math.round(value * 1e12) / 1e12;
  if (value >= 100 && value < 1000) return Math.round(value * 1e9) / 1e9;
  if (value === 0) return 0;
  return Number(value.toPrecision(WIRE_SIGNIFICANT_DIGITS));
}

export function toWireLoad(value: number | null): number | null {
  return value === null ? null : toWireNumber(value);
}

export interface WireStatistics {
  samples: number;
  cpuload: number | null;
  memload: number | null;
  cpuload_min: number | null;
  cpuload_max: number | null;
  memload_min: number | null;
  memload_max: number | null;
}

export function toWireStatistics(statistics: Statistics): WireStatistics {
  return {
    samples: statistics.samples,
    cpuload: toWireLoad(statistics.cpuMean),
    memload: toWireLoad(statistics.memMean),
    cpuload_min: toWireLoad(statistics.cpuMin),
    cpuload_max: toWireLoad(statistics.cpuMax),
    memload_min: toWireLoad(statistics.memMin),
    memload_max: toWireLoad(statistics.memMax),
  };
}

export interface WireInterval extends WireStatistics {
  time: string;
  interval: number;
}

export function toWireIntervals(intervals: Interval[], bucketSeconds: number, fill: boolean): WireInterval[] {
  const wire: WireInterval[] = [];
  for (const interval of intervals) {
    if (!fill && interval.samples === 0) continue;
    wire.push({ time: toIsoSecond(interval.startSec), interval: bucketSeconds, ...toWireStatistics(interval) });
  }
  return wire;
}
