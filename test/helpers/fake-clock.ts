/*
 * A clock tests can set and advance. It is a plain function returning epoch seconds, so it
 * can be handed to HostStore or createApp() wherever a Clock is expected, and tests never sleep.
 */
export interface FakeClock {
  (): number;
  set(sec: number): void;
  advance(sec: number): void;
}

export function fakeClock(startSec: number): FakeClock {
  let nowSec = startSec;
  return Object.assign(() => nowSec, {
    set(sec: number): void {
      nowSec = sec;
    },
    advance(sec: number): void {
      nowSec += sec;
    },
  });
}
