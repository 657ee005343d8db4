/*
 * Long work split over event loop turns, so sample POSTs never wait behind a fleet query
 * for long: a turn runs until it has taken `turnMs`, then yields (setImmediate, so pending
 * I/O runs in between), as HostStore.visitHosts does for its visit.
 */
import { MaybePromise } from '../store/store';

/** How long one turn of a fleet query may hold the event loop. */
export const TURN_MS = 8;

/**
 * Calls `each(0)` … `each(count - 1)` in order, looking at the time every `checkEvery`
 * calls. Synchronous (no promise) when everything fits in the first turn.
 */
export function forEachInTurns(count: number, checkEvery: number, each: (i: number) => void): MaybePromise<void> {
  let i = 0;
  const runTurn = (): boolean => {
    const turnEndsMs = performance.now() + TURN_MS;
    while (i < count) {
      each(i++);
      if (i % checkEvery === 0 && performance.now() >= turnEndsMs) break;
    }
    return i >= count;
  };
  if (runTurn()) return;
  return new Promise<void>((resolve, reject) => {
    const step = (): void => {
      try {
        if (runTurn()) resolve();
        else setImmediate(step);
      } catch (err) {
        reject(err);
      }
    };
    setImmediate(step);
  });
}
