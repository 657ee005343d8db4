/*
 * The store contract the HTTP layer talks to. Methods may answer synchronously (the
 * in-memory store) or with a promise (a networked store), so routes await only when they
 * are handed a promise and the in-memory hot path never pays for one.
 */
import { Mode } from './modes';
import { Interval } from './ring-buffer';

export type MaybePromise<T> = T | Promise<T>;

/** One validated sample: loads in [0, 100], time in epoch seconds inside the last_day window. */
export interface Sample {
  timeSec: number;
  cpuLoad: number;
  memLoad: number;
}

/** One validated sample of one host, as a bulk request carries it. */
export interface HostSample {
  host: string;
  sample: Sample;
}

/** A host and its newest sample. */
export interface HostSummary {
  host: string;
  lastSeenSec: number;
  cpuLoad: number;
  memLoad: number;
}

export interface Store {
  /** Adds a sample to the bucket of its own time at every resolution still covering it. */
  record(host: string, sample: Sample, nowSec?: number): MaybePromise<void>;
  /**
   * Records every entry, in order, as one step. All entries are validated before the call,
   * so a networked store can send them in one round trip (a pipeline) instead of one each.
   */
  recordBatch(entries: readonly HostSample[], nowSec?: number): MaybePromise<void>;
  /** The whole window of `mode` at `nowSec`, oldest first; undefined for an unknown host. */
  report(host: string, mode: Mode, nowSec?: number): MaybePromise<Interval[] | undefined>;
  /** Every known host with its newest sample, sorted by host name. */
  hosts(nowSec?: number): MaybePromise<HostSummary[]>;
  /** Drops a host and its data; false when the host was unknown. */
  forget(host: string): MaybePromise<boolean>;
  /** How many hosts `hosts()` would list, without building the list; optional (metrics fall back to hosts()). */
  countHosts?(nowSec?: number): MaybePromise<number>;
}

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}
