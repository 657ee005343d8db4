/*
 * How writes and reads of many hosts are split into script calls, without Redis: what a
 * call may hold (one hash slot on a cluster, the host and sample limits) and the order.
 */
import calculateSlot from 'cluster-key-slot';
import { HOSTS_PER_CALL, planCalls } from '../../../src/store/redis/script-calls';

describe('planCalls', () => {
  describe('on one Redis (no slot rule)', () => {
    it('puts every key in one call, in the order given, until a call holds the most keys it may', () => {
      const keys = Array.from({ length: HOSTS_PER_CALL + 3 }, (_, i) => `k{h${i % 5}}`);
      const calls = planCalls(keys, undefined, HOSTS_PER_CALL);
      expect(calls.map((c) => c.length)).toEqual([HOSTS_PER_CALL, 3]);
      expect(calls.flat()).toEqual(keys.map((_, i) => i));
    });

    it('starts a new call when the next key would take the call past its weight, and gives a key heavier than that a call alone', () => {
      const keys = ['a', 'b', 'c', 'd', 'e'];
      const calls = planCalls(keys, undefined, 10, { of: [400, 500, 200, 1_500, 1], max: 1_000 });
      expect(calls).toEqual([[0, 1], [2], [3], [4]]);
    });
  });

  describe('on a cluster (keys grouped by hash slot)', () => {
    it('keeps each call to one slot, and the keys of a slot in the order given', () => {
      const keys = ['s:{web-1}', 's:{web-2}', 's:{web-1}', 's:{db-1}', 's:{web-2}', 's:{web-1}'];
      const calls = planCalls(keys, calculateSlot, 10);
      expect(calls).toEqual([[0, 2, 5], [1, 4], [3]]);
      for (const call of calls) expect(new Set(call.map((i) => calculateSlot(keys[i]))).size).toBe(1);
    });

    it('shares a call between different hosts of the same slot', () => {
      // Slots are a hash of the host; search for a host that lands in web-1's.
      const slot = calculateSlot('web-1');
      let partner = 0;
      while (calculateSlot(`h${partner}`) !== slot) partner++;
      const calls = planCalls([`s:{web-1}`, `s:{h${partner}}`, 's:{other}'], calculateSlot, 10);
      expect(calls).toEqual([[0, 1], [2]]);
    });
  });
});
