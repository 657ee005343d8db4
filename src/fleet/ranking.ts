/*
 * Sorting, ranking and paging hosts (GET /perf?sort=&limit=&cursor=). One pass over the
 * fleet keeps the best `limit` hosts after the cursor in a bounded heap, so a top 20 of
 * 100,000 hosts costs one comparison per host and no sort of the whole fleet:
 *
 *   order    the sort key (ascending, or descending with '-'), hosts without a key (null
 *            window statistics) last in either direction, then the host name ascending
 *   cursor   the (key, host) of the last host of the previous page: a page lists the hosts
 *            strictly after it, so following pages lists every host once (a keyset cursor)
 */
import { InvalidInputError } from '../ingest/invalid-input';
import { showValue } from '../ingest/show-value';

export type SortField = 'host' | 'lastSeen' | 'cpuLoad' | 'memLoad';

export interface SortOrder {
  field: SortField;
  descending: boolean;
}

/** Wire names of the sort fields, in the order the error message lists them. */
const SORT_FIELDS: Readonly<Record<string, SortField>> = { host: 'host', last_seen: 'lastSeen', cpuload: 'cpuLoad', memload: 'memLoad' };

export const DEFAULT_SORT: SortOrder = { field: 'host', descending: false };

/** `sort`: a field name, optionally preceded by '-' for descending; absent sorts by host. */
export function parseSortParam(raw: unknown): SortOrder {
  if (raw === undefined) return DEFAULT_SORT;
  if (typeof raw === 'string') {
    const descending = raw.startsWith('-');
    const name = descending ? raw.slice(1) : raw;
    if (Object.prototype.hasOwnProperty.call(SORT_FIELDS, name)) return { field: SORT_FIELDS[name], descending };
  }
  throw new InvalidInputError(
    `sort must be one of ${Object.keys(SORT_FIELDS).join(', ')}, optionally preceded by '-', got ${showValue(raw)}`,
  );
}

/** A host as ranked: its name and the value it is sorted by (null: none, sorted last; host sorts leave it null). */
export interface Ranked {
  host: string;
  key: number | null;
}

/** Negative when `a` comes before `b` in `order`. */
export function compareRanked(a: Ranked, b: Ranked, order: SortOrder): number {
  if (order.field === 'host') return compareNames(a.host, b.host) * (order.descending ? -1 : 1);
  if (a.key !== b.key) {
    if (a.key === null) return 1;
    if (b.key === null) return -1;
    return order.descending ? b.key - a.key : a.key - b.key;
  }
  return compareNames(a.host, b.host);
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The first `limit` of the hosts offered after `after` (exclusive), in order. Offer every
 * host once; `page()` then answers the page and whether more hosts follow it.
 */
export class PageSelector<T extends Ranked> {
  /** A max-heap by order: the worst host kept is at the top, replaced when a better one comes. */
  private readonly heap: T[] = [];
  private following = 0;

  constructor(
    private readonly order: SortOrder,
    private readonly limit: number,
    private readonly after: Ranked | undefined,
  ) {}

  /** Whether `candidate` comes after the cursor: only those are offered, kept or skipped. */
  follows(candidate: Ranked): boolean {
    return this.after === undefined || compareRanked(candidate, this.after, this.order) > 0;
  }

  /** Whether a host that follows the cursor would enter the page as things stand, so a caller can skip building it. */
  wouldKeep(candidate: Ranked): boolean {
    return this.heap.length < this.limit || compareRanked(candidate, this.heap[0], this.order) < 0;
  }

  /** Takes a host that follows the cursor. */
  offer(candidate: T): void {
    this.following++;
    if (this.heap.length < this.limit) {
      this.heap.push(candidate);
      this.siftUp(this.heap.length - 1);
    } else if (compareRanked(candidate, this.heap[0], this.order) < 0) {
      this.heap[0] = candidate;
      this.siftDown(0);
    }
  }

  /** Counts a host after the cursor that `wouldKeep` turned away without building it. */
  skip(): void {
    this.following++;
  }

  page(): { hosts: T[]; more: boolean } {
    const hosts = [...this.heap].sort((a, b) => compareRanked(a, b, this.order));
    return { hosts, more: this.following > hosts.length };
  }

  private worse(i: number, j: number): boolean {
    return compareRanked(this.heap[i], this.heap[j], this.order) > 0;
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.worse(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const n = this.heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) return;
      const right = left + 1;
      const child = right < n && this.worse(right, left) ? right : left;
      if (!this.worse(child, i)) return;
      this.swap(i, child);
      i = child;
    }
  }

  private swap(i: number, j: number): void {
    const held = this.heap[i];
    this.heap[i] = this.heap[j];
    this.heap[j] = held;
  }
}
