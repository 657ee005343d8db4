import fc from 'fast-check';
import { decodeCursor, encodeCursor, queryIdentity } from '../../src/fleet/cursor';
import { PageSelector, Ranked, SortOrder, compareRanked, parseSortParam } from '../../src/fleet/ranking';
import { errorOf } from '../helpers/input-error';

const DESCENDING_LOAD: SortOrder = { field: 'cpuLoad', descending: true };

function pageOf(ranked: Ranked[], order: SortOrder, limit: number, after?: Ranked): { hosts: string[]; more: boolean } {
  const selector = new PageSelector<Ranked>(order, limit, after);
  for (const r of ranked) if (selector.follows(r)) selector.offer(r);
  const page = selector.page();
  return { hosts: page.hosts.map((r) => r.host), more: page.more };
}

describe('parseSortParam', () => {
  it.each([
    [undefined, { field: 'host', descending: false }],
    ['last_seen', { field: 'lastSeen', descending: false }],
    ['-memload', { field: 'memLoad', descending: true }],
  ])('reads %p', (raw, order) => {
    expect(parseSortParam(raw)).toEqual(order);
  });
});

describe('compareRanked', () => {
  it('puts hosts without a key last in either direction, then ties by host ascending', () => {
    const ranked: Ranked[] = [
      { host: 'd', key: null },
      { host: 'b', key: 5 },
      { host: 'a', key: 5 },
      { host: 'c', key: null },
      { host: 'e', key: 9 },
    ];
    const sorted = (order: SortOrder): string[] => [...ranked].sort((x, y) => compareRanked(x, y, order)).map((r) => r.host);
    expect(sorted(DESCENDING_LOAD)).toEqual(['e', 'a', 'b', 'c', 'd']);
    expect(sorted({ field: 'cpuLoad', descending: false })).toEqual(['a', 'b', 'e', 'c', 'd']);
  });
});

describe('PageSelector', () => {
  it('pages through every host once, in sorted order, for any limit', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ host: fc.stringMatching(/^[a-e]{1,3}$/), key: fc.option(fc.integer({ min: 0, max: 3 })) }), {
          selector: (r) => r.host,
          maxLength: 40,
        }),
        fc.integer({ min: 1, max: 7 }),
        (ranked, limit) => {
          const expected = [...ranked].sort((x, y) => compareRanked(x, y, DESCENDING_LOAD)).map((r) => r.host);
          const seen: string[] = [];
          let after: Ranked | undefined;
          for (;;) {
            const page = pageOf(ranked, DESCENDING_LOAD, limit, after);
            seen.push(...page.hosts);
            if (!page.more) break;
            const last = ranked.find((r) => r.host === page.hosts.at(-1));
            after = last;
          }
          expect(seen).toEqual(expected);
        },
      ),
    );
  });
});

describe('cursors', () => {
  const query = queryIdentity(['cpuLoad', 'true', 'last_hour', 'all', 'web-*']);

  it('give back the position they were made from, null keys included', () => {
    for (const last of [
      { host: 'web-01', key: 12.345678901234567 },
      { host: 'web-02', key: null },
    ]) {
      expect(decodeCursor(encodeCursor(query, last), query)).toEqual(last);
    }
  });

  it('are refused by another query', () => {
    const cursor = encodeCursor(query, { host: 'web-01', key: 1 });
    const other = queryIdentity(['cpuLoad', 'false', 'last_hour', 'all', 'web-*']);
    expect(errorOf(() => decodeCursor(cursor, other)).message).toMatch(/^cursor belongs to another query/);
  });
});
