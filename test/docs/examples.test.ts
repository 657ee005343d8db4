import { describeDocPage } from './describe-doc-page';
import { docPages, needsRedis, readDocBlocks } from './doc-runner';

// Starting a server per page and set-up, and about a hundred curl processes.
jest.setTimeout(30_000);

// Parsing throws on an example it cannot classify, which fails this file before any test runs.
const pages = docPages().map((page) => ({ page, blocks: readDocBlocks(page) }));
const REDIS_PAGE = 'docs/redis.md'; // run by test/redis/docs-examples.test.ts, against a real Redis

describe('doc examples', () => {
  it('need Redis only on the Redis page, which npm run test:redis runs', () => {
    const elsewhere = pages.flatMap(({ page, blocks }) =>
      page === REDIS_PAGE ? [] : blocks.filter(needsRedis).map((b) => `${page}:${b.line}`),
    );
    expect(elsewhere).toEqual([]);
    expect(pages.find((p) => p.page === REDIS_PAGE)?.blocks.every(needsRedis)).toBe(true);
  });

  for (const { page, blocks } of pages) {
    if (page !== REDIS_PAGE && blocks.length > 0) describeDocPage(page, blocks);
  }
});
