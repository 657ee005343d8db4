/*
 * TickGroup without Redis: what it promises is when sends go out and whose reply each caller gets.
 */
import { TickGroup } from '../../../src/store/redis/tick-group';

describe('TickGroup', () => {
  describe('when several sends are queued in one turn of the event loop', () => {
    it('sends none of them before the check phase, then all of them in the order queued', async () => {
      const group = new TickGroup();
      const sent: string[] = [];
      const send = (name: string) => () => {
        sent.push(name);
        return Promise.resolve(`reply of ${name}`);
      };
      const replies = Promise.all([group.run(send('a')), group.run(send('b')), group.run(send('c'))]);
      await Promise.resolve(); // microtasks run, the check phase has not come yet
      expect(sent).toEqual([]);
      expect(group.pending).toBe(3);
      expect(await replies).toEqual(['reply of a', 'reply of b', 'reply of c']);
      expect(sent).toEqual(['a', 'b', 'c']);
      expect(group.pending).toBe(0);
    });
  });

  describe('when one send fails', () => {
    it('rejects that caller only, whether its promise rejects or it throws before returning one', async () => {
      const group = new TickGroup();
      const outcomes = await Promise.allSettled([
        group.run(() => Promise.reject(new Error('refused'))),
        group.run((): Promise<string> => {
          throw new Error('thrown');
        }),
        group.run(() => Promise.resolve('fine')),
      ]);
      expect(outcomes).toEqual([
        { status: 'rejected', reason: new Error('refused') },
        { status: 'rejected', reason: new Error('thrown') },
        { status: 'fulfilled', value: 'fine' },
      ]);
    });
  });

  describe('after a flush', () => {
    it('groups the next turn’s sends in a flush of their own', async () => {
      const group = new TickGroup();
      expect(await group.run(() => Promise.resolve(1))).toBe(1);
      const next = group.run(() => Promise.resolve(2));
      expect(group.pending).toBe(1);
      expect(await next).toBe(2);
    });
  });
});
