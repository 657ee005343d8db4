/*
 * Telegraf and collectd send a host's CPU and memory loads as separate values (a `cpu` and a
 * `mem` line; a `cpu` and a `memory` value list), and collectd may split one read over
 * several POSTs. A Sample needs both, so each value comes in as a half and is paired here:
 *
 *   pending: host → the halves still waiting for their partner, oldest first
 *            (hosts kept least recently touched first, so the oldest are evicted first)
 *
 * Two halves of a host pair when one is CPU and the other memory, and their times are at
 * most half the shorter of their intervals apart (collectd: the same read; Telegraf, whose
 * halves carry interval 0 and a time cut to the second: the same second). The sample takes
 * the earlier of the two times. A half that finds no partner waits: for
 * max(MIN_HOLD_SEC, HOLD_INTERVALS × its interval) of server time, then it is dropped and
 * counted. Nothing is counted twice: a half leaves `pending` as it pairs, and a second half
 * of the same kind for the same time replaces the first (the newest value wins, as in
 * InfluxDB). Bounds: MAX_HELD_PER_HOST halves per host, and as many hosts as the store may
 * hold; past either, the oldest halves are dropped and counted.
 *
 * pair() changes `pending` at once, so two requests in flight never take the same half; the
 * returned undo() puts it back as it was if the store then refuses the samples.
 */
import { HostSample } from '../store/store';

export type HalfKind = 'cpu' | 'mem';

/** One load of one host, validated: load in [0, 100], time inside the last_day window. */
export interface LoadHalf {
  host: string;
  kind: HalfKind;
  timeSec: number;
  load: number;
  /** The agent's collection interval; 0 when the format does not say (line protocol). */
  intervalSec: number;
}

/** A half may wait this long for its partner, at least... */
const MIN_HOLD_SEC = 60;
/** ...or this many of its own intervals, when that is longer. */
const HOLD_INTERVALS = 3;
/** In a steady stream a host has one half waiting at most; a few more absorb reordering. */
const MAX_HELD_PER_HOST = 8;

interface HeldHalf extends LoadHalf {
  holdUntilSec: number;
}

export interface Pairing {
  samples: HostSample[];
  /** Restores the pending halves to what they were before pair(); call only if the samples were not recorded. */
  undo(): void;
}

function pairs(a: LoadHalf, b: LoadHalf): boolean {
  return Math.abs(a.timeSec - b.timeSec) <= Math.min(a.intervalSec, b.intervalSec) / 2;
}

function sampleOf(a: LoadHalf, b: LoadHalf): HostSample {
  const [cpu, mem] = a.kind === 'cpu' ? [a, b] : [b, a];
  return { host: a.host, sample: { timeSec: Math.min(a.timeSec, b.timeSec), cpuLoad: cpu.load, memLoad: mem.load } };
}

export class HalfPairer {
  private readonly pending = new Map<string, HeldHalf[]>();
  private heldCount = 0;
  /** Halves dropped without a partner (expired or evicted), for metrics. */
  droppedTotal = 0;

  constructor(private readonly maxHosts: number) {}

  /** Halves waiting for their partner now. */
  get held(): number {
    return this.heldCount;
  }

  /**
   * Pairs `halves` (in request order) with each other and with those pending. Each host's
   * list is taken out of `pending` while the request is worked through and put back at the
   * most recently touched end: one Map delete and one set per host, not per half.
   */
  pair(halves: readonly LoadHalf[], nowSec: number): Pairing {
    this.expire(nowSec);
    const samples: HostSample[] = [];
    const taken: HeldHalf[] = [];
    const lists = new Map<string, HeldHalf[]>();
    for (const half of halves) {
      let list = lists.get(half.host);
      if (list === undefined) {
        list = this.takeList(half.host, nowSec);
        lists.set(half.host, list);
      }
      let partner = -1;
      let twin = -1;
      for (let i = 0; i < list.length; i++) {
        if (!pairs(list[i], half)) continue;
        if (list[i].kind !== half.kind) {
          partner = i;
          break;
        }
        twin = i;
      }
      if (partner >= 0) {
        const held = list.splice(partner, 1)[0];
        if (held.holdUntilSec > 0) taken.push(held);
        samples.push(sampleOf(half, held));
        continue;
      }
      if (twin >= 0) {
        const replaced = list.splice(twin, 1)[0];
        if (replaced.holdUntilSec > 0) taken.push(replaced);
      }
      // holdUntilSec 0: new in this request, not pending yet (set below if it stays).
      list.push({
        host: half.host,
        kind: half.kind,
        timeSec: half.timeSec,
        load: half.load,
        intervalSec: half.intervalSec,
        holdUntilSec: 0,
      });
    }
    const added: HeldHalf[] = [];
    for (const [host, list] of lists) {
      for (const held of list) {
        if (held.holdUntilSec > 0) continue;
        held.holdUntilSec = nowSec + Math.max(MIN_HOLD_SEC, HOLD_INTERVALS * held.intervalSec);
        added.push(held);
      }
      this.putList(host, list);
    }
    this.evictOverCap();
    return { samples, undo: () => this.undo(added, taken, nowSec) };
  }

  /** The host's pending halves, out of `pending` (and out of `held` until putList), without the expired ones (dropped and counted). */
  private takeList(host: string, nowSec: number): HeldHalf[] {
    const list = this.pending.get(host);
    if (list === undefined) return [];
    this.pending.delete(host);
    this.heldCount -= list.length;
    const live = list.filter((held) => held.holdUntilSec >= nowSec);
    this.droppedTotal += list.length - live.length;
    return live;
  }

  /** Puts a host's halves back, as the most recently touched host, keeping its newest MAX_HELD_PER_HOST. */
  private putList(host: string, list: HeldHalf[]): void {
    const pendingBefore = this.pending.get(host)?.length ?? 0;
    this.pending.delete(host);
    this.heldCount -= pendingBefore;
    if (list.length > MAX_HELD_PER_HOST) this.droppedTotal += list.splice(0, list.length - MAX_HELD_PER_HOST).length;
    if (list.length === 0) return;
    this.pending.set(host, list);
    this.heldCount += list.length;
  }

  /** Drops hosts from the least recently touched end while all their halves have expired. */
  private expire(nowSec: number): void {
    for (const [host, list] of this.pending) {
      if (list.some((held) => held.holdUntilSec >= nowSec)) return;
      this.heldCount -= list.length;
      this.droppedTotal += list.length;
      this.pending.delete(host);
    }
  }

  private evictOverCap(): void {
    for (const [host, list] of this.pending) {
      if (this.pending.size <= this.maxHosts) return;
      this.heldCount -= list.length;
      this.droppedTotal += list.length;
      this.pending.delete(host);
    }
  }

  private undo(added: readonly HeldHalf[], taken: readonly HeldHalf[], nowSec: number): void {
    for (const held of added) {
      const list = this.pending.get(held.host);
      const at = list?.indexOf(held) ?? -1;
      if (list === undefined || at < 0) continue;
      list.splice(at, 1);
      this.heldCount--;
      if (list.length === 0) this.pending.delete(held.host);
    }
    for (const held of taken) {
      if (held.holdUntilSec < nowSec) continue;
      const list = this.takeList(held.host, nowSec);
      list.push(held);
      this.putList(held.host, list);
    }
    this.evictOverCap();
  }
}
