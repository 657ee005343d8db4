/*
 * Settings every scenario shares, from the environment so a quick or a long run needs no
 * edit: BENCH_ROUNDS (default 5) alternating rounds, BENCH_DURATION_SEC (default 10) per
 * measured load, BENCH_WARMUP_SEC (default 2) of load thrown away first so the JIT is warm.
 * BENCH_QUICK=1 lowers those defaults to 2 rounds of 2 s after 1 s, a check that everything
 * runs (a few minutes for npm run bench), not a measurement; docs/benchmarks.md then says so.
 */

/** A positive integer setting from the environment; scenarios with other defaults use it too. */
export function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got '${raw}'`);
  return value;
}

export const QUICK = process.env.BENCH_QUICK === '1';
export const ROUNDS = intFromEnv('BENCH_ROUNDS', QUICK ? 2 : 5);
export const DURATION_SEC = intFromEnv('BENCH_DURATION_SEC', QUICK ? 2 : 10);
export const WARMUP_SEC = intFromEnv('BENCH_WARMUP_SEC', QUICK ? 1 : 2);
export const CONNECTIONS = intFromEnv('BENCH_CONNECTIONS', 50);

/** Round r runs the items rotated by r, so no item always goes first (or last) on a warming machine. */
export function rotated<T>(items: readonly T[], round: number): T[] {
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
