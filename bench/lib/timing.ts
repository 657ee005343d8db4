/*
 * In-process timing: nanoseconds of a loop, and alternating rounds against a baseline.
 * Time is this process's CPU time (user + system), not the wall clock: on a shared machine
 * the wall clock also counts the time other processes held the core, which says nothing
 * about the code measured.
 */
import { median } from './stats';

const NS_PER_US = 1_000;

export function timeNs(iterations: number, work: (i: number) => void): number {
  const started = process.cpuUsage();
  for (let i = 0; i < iterations; i++) work(i);
  const used = process.cpuUsage(started);
  return (used.user + used.system) * NS_PER_US;
}

export interface Alternated {
  /** Median nanoseconds per operation of each contender. */
  nsPerOp: number[];
  /** Median, over rounds, of each contender's time divided by the first one's in that round. */
  ratioToFirst: number[];
}

/**
 * Runs every contender once per round, rotating which goes first, and drops round 0 as a
 * warm-up. Ratios are taken inside a round, so a burst of noise hits both sides of one.
 */
export function alternate(rounds: number, iterations: number, contenders: ((i: number) => void)[]): Alternated {
  const perOp: number[][] = contenders.map(() => []);
  const ratios: number[][] = contenders.map(() => []);
  for (let round = 0; round <= rounds; round++) {
    const ns: number[] = new Array(contenders.length);
    for (let k = 0; k < contenders.length; k++) {
      const c = (k + round) % contenders.length;
      ns[c] = timeNs(iterations, contenders[c]);
    }
    if (round === 0) continue;
    for (let c = 0; c < contenders.length; c++) {
      perOp[c].push(ns[c] / iterations);
      ratios[c].push(ns[c] / ns[0]);
    }
  }
  return { nsPerOp: perOp.map(median), ratioToFirst: ratios.map(median) };
}
