/*
 * Redis key names. One key per host, its name carrying the host in a hash tag, so Redis
 * Cluster puts it in the host's slot and one Lua script touches one slot:
 *
 *   <prefix>{<host>}:series.v2   string: the newest sample, the heads, then every ring (codec.ts
 *                                draws it); expires when its newest sample leaves the last_day window
 *   <prefix>hosts             sorted set: host → start of the hour of its newest sample
 *
 * The hosts set scores by hour, not by second: liveness is decided by the day window, whose
 * start is always on the hour, so the hour says exactly what the second would, and a host's
 * score needs raising once an hour instead of on every sample.
 *
 * The series key names its byte layout's version: a process of an earlier layout (`:series`,
 * without heads) sharing the Redis writes its own keys and never misreads these.
 *
 * Host names are validated to [a-z0-9._-] before they get here, so they never hold '{' or '}'.
 */

/** Starts every key, so one Redis can hold other data too (REDIS_KEY_PREFIX). */
export const DEFAULT_KEY_PREFIX = 'servertrack:';

/** The one key holding everything of `host`: its newest sample and its rings. */
export function seriesKey(prefix: string, host: string): string {
  return `${prefix}{${host}}:series.v2`;
}

export function hostsKey(prefix: string): string {
  return `${prefix}hosts`;
}
