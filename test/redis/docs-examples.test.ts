/*
 * The examples of docs/redis.md, against the built server on the redis-server that
 * global-setup.ts started (test/docs/examples.test.ts runs every other page in npm test).
 */
import { describeDocPage } from '../docs/describe-doc-page';
import { readDocBlocks } from '../docs/doc-runner';
import { buildServer } from '../helpers/server-process';

// A server waits up to 5 s for an unreachable Redis before it listens.
jest.setTimeout(60_000);

beforeAll(() => buildServer());

describeDocPage('docs/redis.md', readDocBlocks('docs/redis.md'), () => process.env.REDIS_TEST_URL);
