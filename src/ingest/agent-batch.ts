/*
 * What the agent formats (line-protocol.ts, collectd.ts) make of a body: the load halves to
 * pair (pairing.ts), and a count of what they were told to leave alone. Shared here so both
 * reject a body the same way: every entry is checked, and one error names the first bad one
 * and counts the rest, so nothing of a rejected body is recorded.
 */
import { InvalidInputError } from './invalid-input';
import { LoadHalf } from './pairing';

/** Why an entry carried no load: ServerTrack reads two values out of what agents send. */
export type IgnoredReason =
  | 'measurement' // line protocol: a measurement other than cpu and mem
  | 'per_core' // line protocol: a cpu line of one core, not cpu-total
  | 'plugin' // collectd: a plugin, type or instance other than the cpu and memory percentages
  | 'undefined'; // collectd: a U (undefined) value

export const IGNORED_REASONS: readonly IgnoredReason[] = ['measurement', 'per_core', 'plugin', 'undefined'];

export interface AgentBatch {
  halves: LoadHalf[];
  ignored: Record<IgnoredReason, number>;
}

export function emptyBatch(): AgentBatch {
  return { halves: [], ignored: { measurement: 0, per_core: 0, plugin: 0, undefined: 0 } };
}

/** More entries than SERVERTRACK_BULK_MAX_SAMPLES allows; the HTTP layer answers 413. */
export class TooManyEntriesError extends Error {
  constructor(
    readonly limit: number,
    readonly unit: string,
  ) {
    super(`request body exceeds the ${limit}-${unit} limit (SERVERTRACK_BULK_MAX_SAMPLES)`);
    this.name = 'TooManyEntriesError';
  }
}

/** Collects rejections; throws one InvalidInputError naming the first, once every entry was seen. */
export class Rejections {
  private first: string | undefined;
  private count = 0;

  /** `where` names the entry as its format counts them: 'line 3', 'value list 0'. */
  add(where: string, reason: string): void {
    this.count++;
    this.first ??= `${where}: ${reason}`;
  }

  throwIfAny(noun: string): void {
    if (this.first === undefined) return;
    const more = this.count - 1;
    const rest = more === 0 ? '' : ` (and ${more} more invalid ${more === 1 ? noun : `${noun}s`})`;
    throw new InvalidInputError(`${this.first}${rest}; nothing was recorded`);
  }
}

/** The message of an InvalidInputError thrown by a shared parser (parseHost), anything else rethrown. */
export function reasonOf(err: unknown): string {
  if (err instanceof InvalidInputError) return err.message;
  throw err;
}

/**
 * Agents compute percentages in floating point: Telegraf's usage_idle can come out as
 * 100.00000000000001. Within this of the range, a value is taken as the bound; further
 * out it is an error.
 */
const PERCENT_SLACK = 1e-9;

/** A percentage clamped to [0, 100], or NaN when it is not one. */
export function percentOf(value: number): number {
  if (!(value >= -PERCENT_SLACK && value <= 100 + PERCENT_SLACK)) return NaN;
  return Math.min(100, Math.max(0, value)) + 0;
}

export type AgentFormat = 'line_protocol' | 'collectd';

/** The reasons each format can give, so /metrics shows no series that cannot move. */
export const IGNORED_REASONS_OF: Readonly<Record<AgentFormat, readonly IgnoredReason[]>> = {
  line_protocol: ['measurement', 'per_core'],
  collectd: ['plugin', 'undefined'],
};

/** Running totals of one agent format, read by /metrics at scrape time. */
export interface AgentStats {
  format: AgentFormat;
  /** Entries of accepted requests that carried no load, by reason. */
  ignored: Record<IgnoredReason, number>;
  /** Samples recorded from paired halves. */
  samples: number;
}

export function agentStats(format: AgentFormat): AgentStats {
  return { format, ignored: emptyBatch().ignored, samples: 0 };
}
