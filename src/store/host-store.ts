/*
 * HostStore: the in-memory Store. A Map from host name to one HostEntry, and per entry a
 * single preallocated buffer holding all three rings back to back:
 *
 *   slots [0, 60)     last_minute  60 × 1 s
 *   slots [60, 120)   last_hour    60 × 1 min
 *   slots [120, 144)  last_day     24 × 1 h
 *
 * 144 slots × 56 bytes = 8,064 bytes per host whatever the sample rate. Recording touches
 * three slots and allocates nothing once the host exists.
 *
 * At most maxHosts entries (the cap described in store.ts). When full, expired entries are
 * reclaimed by a sweep, at most once per hour of the day window: an entry held at a sweep
 * can only expire once the window's start moves, which it does on the hour. An expired
 * entry still held is written to in place; that equals dropping it and adding it again,
 * since none of its data is inside any window any more and its own place is there for it.
 */
import { runInTurns } from './in-turns';
import { MODES, Mode, RESOLUTIONS, windowStart } from './modes';
import { bucketStart } from './time';
import { Ring, SeriesBuffer, allocateSeries } from './ring-buffer';
import {
  HostSample,
  HostSummary,
  HostVisitor,
  Interval,
  MaybePromise,
  RecordOutcome,
  Sample,
  Store,
  isExpired,
  oldestLiveSec,
} from './store';

function layRings(): { rings: Ring[]; byMode: Record<Mode, Ring>; slotCount: number } {
  const byMode = {} as Record<Mode, Ring>;
  let slotCount = 0;
  for (const mode of MODES) {
    byMode[mode] = new Ring(RESOLUTIONS[mode], slotCount);
    slotCount += RESOLUTIONS[mode].bucketCount;
  }
  return { rings: MODES.map((mode) => byMode[mode]), byMode, slotCount };
}

const LAYOUT = layRings();
// A host keeps its lateWrites in one field per ring (HostEntry).
if (LAYOUT.rings.length !== 3) throw new Error('HostEntry keeps lateWrites for three rings');
/** Each mode's place in LAYOUT.rings (and in a host's lateWrites). */
const RING_INDEX = Object.fromEntries(MODES.map((mode, r) => [mode, r])) as Record<Mode, number>;
/** The ring of the narrowest buckets: while the clock stays inside its bucket in progress, no ring's bucket in progress moves. */
const FINEST_RING = LAYOUT.rings.reduce(
  (finest, ring, r) => (ring.resolution.bucketSeconds < LAYOUT.rings[finest].resolution.bucketSeconds ? r : finest),
  0,
);

/** The rings of every host, in slot order; a snapshot records slots by their index here. */
export const RINGS: readonly Ring[] = LAYOUT.rings;
export const SLOT_COUNT = LAYOUT.slotCount;

/** Everything kept about one host: its rings and its newest sample. */
export interface HostState {
  readonly series: SeriesBuffer;
  lastSeenSec: number;
  lastCpuLoad: number;
  lastMemLoad: number;
}

class HostEntry implements HostState {
  readonly series: SeriesBuffer = allocateSeries(LAYOUT.slotCount);
  lastSeenSec = Number.NEGATIVE_INFINITY;
  lastCpuLoad = 0;
  lastMemLoad = 0;
  /**
   * Per ring, in LAYOUT.rings order, writes outside the bucket in progress
   * (VisitedRing.lateWrites). Fields, not an array: a record touches no other object.
   */
  lateWrites0 = 0;
  lateWrites1 = 0;
  lateWrites2 = 0;

  countLateWrite(r: number): void {
    if (r === 0) this.lateWrites0++;
    else if (r === 1) this.lateWrites1++;
    else this.lateWrites2++;
  }

  lateWrites(r: number): number {
    return r === 0 ? this.lateWrites0 : r === 1 ? this.lateWrites1 : this.lateWrites2;
  }
}

export const DEFAULT_MAX_HOSTS = 100_000;

/** Hosts visited between two looks at the clock (a visit yields by time: in-turns.ts). */
const VISIT_CHECK_HOSTS = 256;

/** Stands in a visit's reused RingSlots until its first host. */
const NO_SERIES = allocateSeries(0);

interface HostStoreOptions {
  maxHosts?: number; // DEFAULT_MAX_HOSTS when absent
}

export class HostStore implements Store {
  readonly maxHosts: number;
  private readonly entries = new Map<string, HostEntry>();
  /** Day-window start at the last sweep; until it moves, sweeping again frees nothing. */
  private sweptWindowStartSec = Number.NaN;
  /** Writes per slot index, every host together (slotWrites in store.ts). Doubles: they never wrap. */
  private readonly writesPerSlot = new Float64Array(SLOT_COUNT);
  /** Per ring, the bucket in progress at the latest call's clock (none before the first), and how often it moved (bucketEpoch in store.ts). */
  private readonly inProgressSec = new Float64Array(LAYOUT.rings.length).fill(Number.NaN);
  private readonly epochs = new Float64Array(LAYOUT.rings.length);

  constructor(options: HostStoreOptions = {}) {
    this.maxHosts = options.maxHosts ?? DEFAULT_MAX_HOSTS;
  }

  /** Hosts held, including any that expired but have not been swept or read yet. */
  get size(): number {
    return this.entries.size;
  }

  record(host: string, sample: Sample, nowSec: number): RecordOutcome {
    let entry = this.entries.get(host);
    if (entry === undefined) {
      if (!this.hasRoomForOne(nowSec)) return 'full';
      entry = this.add(host);
    }
    this.write(entry, sample, nowSec);
    return 'recorded';
  }

  recordBatch(entries: readonly HostSample[], nowSec: number): RecordOutcome {
    // Each entry adds at most one host, so a batch that fits even then skips the count.
    if (this.entries.size + entries.length > this.maxHosts && !this.batchFits(entries, nowSec)) return 'full';
    // Every new host of the batch has its place now: no entry below can be refused.
    for (let i = 0; i < entries.length; i++) {
      const { host, sample } = entries[i];
      this.write(this.entries.get(host) ?? this.add(host), sample, nowSec);
    }
    return 'recorded';
  }

  /** Distinct hosts among `entries` that this store does not hold: the places they would take. */
  private newHostCount(entries: readonly HostSample[]): number {
    const fresh = new Set<string>();
    for (let i = 0; i < entries.length; i++) {
      if (!this.entries.has(entries[i].host)) fresh.add(entries[i].host);
    }
    return fresh.size;
  }

  /** Whether one more host fits, after reclaiming expired entries if it does not. */
  private hasRoomForOne(nowSec: number): boolean {
    if (this.entries.size < this.maxHosts) return true;
    return this.reclaim(nowSec) && this.entries.size < this.maxHosts;
  }

  /**
   * Whether the distinct new hosts of `entries` fit. They are counted again after a sweep:
   * an expired host of the batch that the sweep drops is new again and needs a place.
   */
  private batchFits(entries: readonly HostSample[], nowSec: number): boolean {
    if (this.entries.size + this.newHostCount(entries) <= this.maxHosts) return true;
    return this.reclaim(nowSec) && this.entries.size + this.newHostCount(entries) <= this.maxHosts;
  }

  /** Sweeps unless this hour of the day window was swept already; false when it was (nothing to free). */
  private reclaim(nowSec: number): boolean {
    if (oldestLiveSec(nowSec) === this.sweptWindowStartSec) return false;
    this.sweep(nowSec);
    return true;
  }

  private add(host: string): HostEntry {
    const entry = new HostEntry();
    this.entries.set(host, entry);
    return entry;
  }

  private write(entry: HostEntry, sample: Sample, nowSec: number): void {
    const { timeSec, cpuLoad, memLoad } = sample;
    const rings = LAYOUT.rings;
    this.followClock(nowSec);
    // Inside the narrowest bucket in progress, a sample is inside every ring's (they nest): nearly every sample.
    const maybeLate = !this.inProgress(FINEST_RING, timeSec);
    for (let r = 0; r < rings.length; r++) {
      const ring = rings[r];
      // A late sample only lands where its bucket is still inside the window.
      if (timeSec < windowStart(ring.resolution, nowSec)) continue;
      const slot = ring.add(entry.series, timeSec, cpuLoad, memLoad);
      if (slot === -1) continue;
      this.writesPerSlot[slot]++;
      if (maybeLate && !this.inProgress(r, timeSec)) entry.countLateWrite(r);
    }
    if (timeSec >= entry.lastSeenSec) {
      entry.lastSeenSec = timeSec;
      entry.lastCpuLoad = cpuLoad;
      entry.lastMemLoad = memLoad;
    }
  }

  bucketEpoch(mode: Mode, nowSec: number): number {
    this.followClock(nowSec);
    return this.epochs[RING_INDEX[mode]];
  }

  /** Whether `sec` falls in ring r's bucket in progress (never before the first call sets one). */
  private inProgress(r: number, sec: number): boolean {
    const startSec = this.inProgressSec[r];
    return sec >= startSec && sec < startSec + LAYOUT.rings[r].resolution.bucketSeconds;
  }

  /** Moves each ring's bucket in progress to the one holding `nowSec`, counting a move in its epoch. */
  private followClock(nowSec: number): void {
    if (this.inProgress(FINEST_RING, nowSec)) return;
    const rings = LAYOUT.rings;
    for (let r = 0; r < rings.length; r++) {
      const startSec = bucketStart(nowSec, rings[r].resolution.bucketSeconds);
      if (startSec === this.inProgressSec[r]) continue;
      this.inProgressSec[r] = startSec;
      this.epochs[r]++;
    }
  }

  slotWrites(mode: Mode): Float64Array {
    const ring = LAYOUT.byMode[mode];
    return this.writesPerSlot.subarray(ring.firstSlot, ring.firstSlot + ring.slotCount);
  }

  report(host: string, mode: Mode, nowSec: number): Interval[] | undefined {
    const entry = this.liveEntry(host, nowSec);
    return entry && LAYOUT.byMode[mode].window(entry.series, nowSec);
  }

  hosts(nowSec: number): HostSummary[] {
    const summaries: HostSummary[] = [];
    for (const [host, entry] of this.entries) {
      if (this.expireIfStale(host, entry, nowSec)) continue;
      summaries.push({ host, lastSeenSec: entry.lastSeenSec, cpuLoad: entry.lastCpuLoad, memLoad: entry.lastMemLoad });
    }
    return summaries.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  }

  summary(host: string, nowSec: number): HostSummary | undefined {
    const entry = this.liveEntry(host, nowSec);
    return entry && { host, lastSeenSec: entry.lastSeenSec, cpuLoad: entry.lastCpuLoad, memLoad: entry.lastMemLoad };
  }

  /**
   * Over as many event loop turns as it takes (in-turns.ts), synchronous when one does. The
   * Map iterator stays valid across turns (see states()). Expired hosts are dropped as they
   * are met, as hosts() drops them.
   */
  visitHosts(nowSec: number, mode: Mode | undefined, visit: HostVisitor): MaybePromise<void> {
    const ring = mode === undefined ? undefined : LAYOUT.byMode[mode];
    const r = mode === undefined ? 0 : RING_INDEX[mode];
    this.followClock(nowSec);
    // One object for every host: the visitor may not keep it (store.ts).
    const slots: { series: SeriesBuffer; firstSlot: number; lateWrites: number } | undefined = ring && {
      series: NO_SERIES,
      firstSlot: ring.firstSlot,
      lateWrites: 0,
    };
    const iterator = this.entries.entries();
    return runInTurns((turnEndsMs) => {
      for (let n = 1; ; n++) {
        if (n % VISIT_CHECK_HOSTS === 0 && performance.now() >= turnEndsMs) return false;
        const next = iterator.next();
        if (next.done === true) return true;
        const [host, entry] = next.value;
        if (this.expireIfStale(host, entry, nowSec)) continue;
        if (slots !== undefined) {
          slots.series = entry.series;
          slots.lateWrites = entry.lateWrites(r);
        }
        visit(host, entry, slots);
      }
    });
  }

  countHosts(nowSec: number): number {
    this.sweep(nowSec);
    return this.entries.size;
  }

  /** `nowSec` is unused: forgetting needs no time in memory, an expired host is dropped as unknown either way. */
  forget(host: string, _nowSec: number): boolean {
    return this.entries.delete(host);
  }

  /** Forgets every host whose newest sample has left the last_day window; returns how many. */
  sweep(nowSec: number): number {
    this.sweptWindowStartSec = oldestLiveSec(nowSec);
    let forgotten = 0;
    for (const [host, entry] of this.entries) {
      if (this.expireIfStale(host, entry, nowSec)) forgotten++;
    }
    return forgotten;
  }

  /**
   * Every host still inside the last_day window at `nowSec`, with its state in place (not a
   * copy). A Map iterator stays valid while the map changes: hosts added later are visited,
   * deleted ones skipped. So a snapshot can pull hosts a chunk at a time across many event
   * loop turns, copying each state before it yields.
   */
  *states(nowSec: number): Generator<[string, Readonly<HostState>]> {
    for (const entry of this.entries) {
      if (!isExpired(entry[1].lastSeenSec, nowSec)) yield entry;
    }
  }

  /** Adds `host` with empty rings and the given newest sample, for a snapshot loader to fill; undefined if it is already held. */
  restore(host: string, newest: { lastSeenSec: number; lastCpuLoad: number; lastMemLoad: number }): HostState | undefined {
    if (this.entries.has(host)) return undefined;
    const entry = new HostEntry();
    entry.lastSeenSec = newest.lastSeenSec;
    entry.lastCpuLoad = newest.lastCpuLoad;
    entry.lastMemLoad = newest.lastMemLoad;
    this.entries.set(host, entry);
    return entry;
  }

  private liveEntry(host: string, nowSec: number): HostEntry | undefined {
    const entry = this.entries.get(host);
    if (entry === undefined || this.expireIfStale(host, entry, nowSec)) return undefined;
    return entry;
  }

  private expireIfStale(host: string, entry: HostEntry, nowSec: number): boolean {
    if (!isExpired(entry.lastSeenSec, nowSec)) return false;
    this.entries.delete(host);
    return true;
  }
}
