/*
 * Long reads split over event loop turns, so sample POSTs never wait behind a fleet query
 * for long: a turn runs until it has taken TURN_MS, then yields (setImmediate, so pending
 * I/O runs in between). By time, not by a count: what a fleet query does per host varies
 * tenfold, and so does how busy the machine is.
 */
import { MaybePromise } from './store';

/** How long one turn of a fleet read may hold the event loop. */
export const TURN_MS = 8;

/**
 * Calls `turn` with the time its turn should end (performance.now() milliseconds) until it
 * answers true (all done), once per event loop turn. Synchronous (no promise) when the
 * first turn does it all.
 */
export function runInTurns(turn: (turnEndsMs: number) => boolean): MaybePromise<void> {
  if (turn(performance.now() + TURN_MS)) return;
  return new Promise<void>((resolve, reject) => {
    const step = (): void => {
      try {
        if (turn(performance.now() + TURN_MS)) resolve();
        else setImmediate(step);
      } catch (err) {
        reject(err);
      }
    };
    setImmediate(step);
  });
}

/** Calls `each(0)` … `each(count - 1)` in order over as many turns as it takes, looking at the time every `checkEvery` calls. */
export function forEachInTurns(count: number, checkEvery: number, each: (i: number) => void): MaybePromise<void> {
  let i = 0;
  return runInTurns((turnEndsMs) => {
    while (i < count) {
      each(i++);
      if (i % checkEvery === 0 && performance.now() >= turnEndsMs) break;
    }
    return i >= count;
  });
}
