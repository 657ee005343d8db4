/*
 * Redis key names. Two keys per host, their names carrying the host in a hash tag, so Redis
 * Cluster puts both in the host's slot and one Lua script touches one slot:
 *
 *   <prefix>{<host>}:recent   string, the host's front: the heads, the newest folded sample,
 *                             then samples not folded yet (codec.ts draws it)
 *   <prefix>{<host>}:rings    string: every ring
 *                             both expire when the newest sample leaves the last_day window
 *   <prefix>hosts             sorted set: host → start of the hour of its newest sample
 *
 * Why two: the front is what nearly every write reads and writes, the rings what reports
 * read. Apart, the rings stay at 8,064 bytes, inside the allocator's 8 KiB size class; with
 * the front in the same string, 8,264 bytes would take a 10 KiB allocation per host.
 *
 * The hosts set scores by hour, not by second: liveness is decided by the day window, whose
 * start is always on the hour, so the hour says exactly what the second would, and a host's
 * score needs raising once an hour instead of on every sample.
 *
 * Earlier layouts' keys have other names (`:series`: one key without heads; `:front`: last
 * before the heads, nothing pending), so a process of an earlier version sharing the Redis
 * never misreads these.
 *
 * Host names are validated to [a-z0-9._-] before they get here, so they never hold '{' or '}'.
 */

/** Starts every key, so one Redis can hold other data too (REDIS_KEY_PREFIX). */
export const DEFAULT_KEY_PREFIX = 'servertrack:';

/** The key holding the front of `host`: the heads of its rings, its newest sample, its pending samples. */
export function frontKey(prefix: string, host: string): string {
  return `${prefix}{${host}}:recent`;
}

/** The key holding the rings of `host`. */
export function ringsKey(prefix: string, host: string): string {
  return `${prefix}{${host}}:rings`;
}

/** Both keys of a host, in the same hash slot. */
export interface HostKeys {
  front: string;
  rings: string;
}

export function hostKeys(prefix: string, host: string): HostKeys {
  return { front: frontKey(prefix, host), rings: ringsKey(prefix, host) };
}

export function hostsKey(prefix: string): string {
  return `${prefix}hosts`;
}
