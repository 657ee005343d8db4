/*
 * Redis key names. Every key of one host carries the host in a hash tag, so Redis Cluster
 * puts them all in one slot and one Lua script may touch them together:
 *
 *   <prefix>{<host>}:last_minute   ring string, 60 slots × 56 bytes   expires 60 s after its last write
 *   <prefix>{<host>}:last_hour     ring string, 60 slots × 56 bytes   expires 1 h after its last write
 *   <prefix>{<host>}:last_day      ring string, 24 slots × 56 bytes   expires 24 h after its last write
 *   <prefix>{<host>}:last          newest sample: time, cpu, mem       expires 24 h after its last write
 *   <prefix>hosts                  sorted set: host → newest sample time, trimmed by time
 *
 * Host names are validated to [a-z0-9._-] before they get here, so they never hold '{' or '}'.
 */
import { MODES, Mode } from '../modes';

/** Starts every key, so one Redis can hold other data too (REDIS_KEY_PREFIX). */
export const DEFAULT_KEY_PREFIX = 'servertrack:';

interface HostKeys {
  rings: Record<Mode, string>;
  last: string;
}

export function hostKeys(prefix: string, host: string): HostKeys {
  const base = `${prefix}{${host}}:`;
  const rings = {} as Record<Mode, string>;
  for (const mode of MODES) rings[mode] = base + mode;
  return { rings, last: `${base}last` };
}

/** The keys of one host in the order the record script takes them: the rings in MODES order, then last. */
export function recordScriptKeys(keys: HostKeys): string[] {
  return [...MODES.map((mode) => keys.rings[mode]), keys.last];
}

export function hostsKey(prefix: string): string {
  return `${prefix}hosts`;
}
