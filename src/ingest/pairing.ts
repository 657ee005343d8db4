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

  /** Pairs `halves` (in request order) with each other and with those pending. */
  pair(halves: readonly LoadHalf[], nowSec: number): Pairing {
    this.expire(nowSec);
    const samples: HostSample[] = [];
    const added: HeldHalf[] = [];
    const taken: HeldHalf[] = [];
    for (const half of halves) {
      const list = this.touch(half.host, nowSec);
      const partner = list.findIndex((held) => held.kind !== half.kind && pairs(held, half));
      if (partner >= 0) {
        const [held] = this.remove(list, partner);
        taken.push(held);
        samples.push(sampleOf(half, held));
        continue;
      }
      const twin = list.findIndex((held) => held.kind === half.kind && pairs(held, half));
      if (twin >= 0) taken.push(...this.remove(list, twin));
      const held = { ...half, holdUntilSec: nowSec + Math.max(MIN_HOLD_SEC, HOLD_INTERVALS * half.intervalSec) };
      list.push(held);
      added.push(held);
      this.heldCount++;
      if (list.length > MAX_HELD_PER_HOST) this.drop(this.remove(list, 0));
    }
    for (const half of halves) {
      if (this.pending.get(half.host)?.length === 0) this.pending.delete(half.host);
    }
    this.evictOverCap();
    return { samples, undo: () => this.undo(added, taken, nowSec) };
  }

  /** The host's list, moved to the most recently touched end, without its expired halves. */
  private touch(host: string, nowSec: number): HeldHalf[] {
    const list = this.pending.get(host) ?? [];
    this.pending.delete(host);
    this.pending.set(host, list);
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i].holdUntilSec < nowSec) this.drop(this.remove(list, i));
    }
    return list;
  }

  private remove(list: HeldHalf[], index: number): HeldHalf[] {
    this.heldCount--;
    return list.splice(index, 1);
  }

  private drop(halves: HeldHalf[]): void {
    this.droppedTotal += halves.length;
  }

  /** Drops hosts from the least recently touched end while all their halves have expired. */
  private expire(nowSec: number): void {
    for (const [host, list] of this.pending) {
      if (list.some((held) => held.holdUntilSec >= nowSec)) return;
      this.heldCount -= list.length;
      this.drop(list);
      this.pending.delete(host);
    }
  }

  private evictOverCap(): void {
    for (const [host, list] of this.pending) {
      if (this.pending.size <= this.maxHosts) return;
      this.heldCount -= list.length;
      this.drop(list);
      this.pending.delete(host);
    }
  }

  private undo(added: readonly HeldHalf[], taken: readonly HeldHalf[], nowSec: number): void {
    for (const held of added) {
      const list = this.pending.get(held.host);
      const at = list?.indexOf(held) ?? -1;
      if (list !== undefined && at >= 0) {
        this.remove(list, at);
        if (list.length === 0) this.pending.delete(held.host);
      }
    }
    for (const held of taken) {
      if (held.holdUntilSec < nowSec) continue;
      this.touch(held.host, nowSec).push(held);
      this.heldCount++;
    }
    this.evictOverCap();
  }
}
