/*
 * The store contract the HTTP layer talks to. Every call is given the time it runs at
 * (`nowSec`, epoch seconds): a store keeps no clock, so callers read theirs once per request
 * and tests set time exactly. Methods may answer synchronously (the
 * in-memory store) or with a promise (a networked store), so routes await only when they
 * are handed a promise and the in-memory hot path never pays for one.
 */
import { LONGEST, Mode, windowStart } from './modes';
import type { SeriesBuffer } from './ring-buffer';

export type MaybePromise<T> = T | Promise<T>;

/** One validated sample: loads in [0, 100], time in epoch seconds inside the last_day window. */
export interface Sample {
  timeSec: number;
  cpuLoad: number;
  memLoad: number;
}

/** Samples of a bucket, a window or a fleet's bucket: exact means (sum / count), or nulls when there is no sample. */
export interface Statistics {
  samples: number;
  cpuMean: number | null;
  memMean: number | null;
  cpuMin: number | null;
  cpuMax: number | null;
  memMin: number | null;
  memMax: number | null;
}

/** One bucket as read back. */
export interface Interval extends Statistics {
  startSec: number;
}

/** One validated sample of one host, as a bulk request carries it. */
export interface HostSample {
  host: string;
  sample: Sample;
}

/**
 * What a write did. 'full' means it would have added hosts beyond maxHosts, so nothing of it
 * was recorded. Being full is an expected state, not a failure, so it is a value and not an
 * exception: the HTTP layer turns it into 503, and a networked store can return the same
 * string from a server-side script that checks and writes in one atomic step.
 */
export type RecordOutcome = 'recorded' | 'full';

/** A host and its newest sample. */
export interface HostSummary {
  host: string;
  lastSeenSec: number;
  cpuLoad: number;
  memLoad: number;
}

/** The newest sample of a host as a visit reads it, in place. */
export interface HostNewest {
  readonly lastSeenSec: number;
  readonly lastCpuLoad: number;
  readonly lastMemLoad: number;
}

/**
 * One host's ring of one mode, read in place: slots firstSlot .. firstSlot + bucketCount - 1
 * of `series`, laid out as ring-buffer.ts draws it. Valid only during the visit call.
 */
export interface RingSlots {
  readonly series: SeriesBuffer;
  readonly firstSlot: number;
}

/** A ring as a visit hands it. */
export interface VisitedRing extends RingSlots {
  /**
   * How many writes this host's ring has taken outside the bucket in progress (late samples,
   * and samples ahead of the clock), counted by a store that has bucketEpoch (0 elsewhere).
   */
  readonly lateWrites: number;
}

/**
 * Called once per live host by visitHosts, in no particular order. `ring` is the ring of the
 * mode asked for (undefined when none was). Neither argument may be kept after the call: a
 * store may reuse them for the next host.
 */
export type HostVisitor = (host: string, newest: HostNewest, ring: VisitedRing | undefined) => void;

/**
 * The oldest newest-sample time a live host may have at `nowSec`: the start of the last_day
 * window. A host whose newest sample is older is expired, in every store (see isExpired).
 */
export function oldestLiveSec(nowSec: number): number {
  return windowStart(LONGEST, nowSec);
}

/** Whether a host whose newest sample is at `lastSeenSec` has expired at `nowSec`: gone from every read, its place free. */
export function isExpired(lastSeenSec: number, nowSec: number): boolean {
  return lastSeenSec < oldestLiveSec(nowSec);
}

/*
 * The host cap (SERVERTRACK_MAX_HOSTS), which every Store implements the same way:
 *
 *   - a host is live from its first recorded sample until it is forgotten (forget()), or
 *     expires: its newest sample has left the last_day window. Only live hosts take places;
 *   - a write fits when the live hosts plus its distinct hosts that are not live come to at
 *     most maxHosts. An expired host is not live whether or not a sweep has dropped it yet:
 *     a write to it needs a place like a new host's, and its old place counts as free (so a
 *     record() of it alone always fits). When and whether a store sweeps never changes an
 *     answer: when full, a store reclaims expired places before answering 'full';
 *   - record() that does not fit answers 'full'; a live host always records;
 *   - recordBatch() is all or nothing: if it does not fit it answers 'full' and records none
 *     of its entries, and if it answers 'recorded' every entry is recorded. A networked store
 *     must check and admit in one atomic step (say one script), or two concurrent batches
 *     could both pass the check.
 */
export interface Store {
  /** Most hosts held at once; a write that would add more answers 'full'. */
  readonly maxHosts: number;
  /** Adds a sample to the bucket of its own time at every resolution still covering it. */
  record(host: string, sample: Sample, nowSec: number): MaybePromise<RecordOutcome>;
  /**
   * Records every entry, in order, as one step, or none of them when its new hosts do not
   * fit under maxHosts. All entries are validated before the call, so a networked store can
   * send them in one round trip (a pipeline) instead of one each.
   */
  recordBatch(entries: readonly HostSample[], nowSec: number): MaybePromise<RecordOutcome>;
  /** The whole window of `mode` at `nowSec`, oldest first; undefined for an unknown host. */
  report(host: string, mode: Mode, nowSec: number): MaybePromise<Interval[] | undefined>;
  /** Every known host with its newest sample, sorted by host name. */
  hosts(nowSec: number): MaybePromise<HostSummary[]>;
  /** One host's newest sample; undefined for an unknown host. */
  summary(host: string, nowSec: number): MaybePromise<HostSummary | undefined>;
  /**
   * Calls `visit` for every live host, with the ring of `mode` when one is given, without
   * building an Interval per bucket: the fleet questions (src/fleet/) read the slots in place.
   * May spread the visit over several event loop turns (and answer with a promise) so a
   * large fleet never holds the loop; a host recorded meanwhile may or may not be visited.
   */
  visitHosts(nowSec: number, mode: Mode | undefined, visit: HostVisitor): MaybePromise<void>;
  /**
   * How many writes each slot of `mode`'s ring has taken, all hosts together, indexed like
   * WindowLayout.slot: a live view. While a slot's count holds, every host's slot reads the
   * same, so /fleet keeps what it pooled from it (src/fleet/closed-fleet-cache.ts).
   * Only for a store whose visits hand each host's own series buffer, the same object from
   * one visit to the next while the host is held; absent in Redis, whose visits fill one
   * buffer for every host.
   */
  slotWrites?(mode: Mode): Float64Array;
  /**
   * A count bumped whenever a call of the store (a record or a visit, this one included,
   * at `nowSec`) finds the bucket in progress of `mode` moved. While it holds, every write
   * since went to that bucket or counted in its host's VisitedRing.lateWrites: a host's other
   * slots changed only if its lateWrites did, so its closed buckets' sums can be kept
   * (fleet/closed-window-cache.ts). Same store kinds as slotWrites.
   */
  bucketEpoch?(mode: Mode, nowSec: number): number;
  /** Drops a host and its data; false when the host was unknown. */
  forget(host: string, nowSec: number): MaybePromise<boolean>;
  /** How many hosts `hosts()` would list, without building the list; optional (metrics fall back to hosts()). */
  countHosts?(nowSec: number): MaybePromise<number>;
  /** Whether the store can serve requests now; absent for stores that always can (in memory). */
  health?(): Promise<StoreHealth>;
}

export type StoreHealth = { ok: true } | { ok: false; reason: string };

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}
