/*
 * The start-up warning for a server anyone on the network may use: startServer with a memory
 * logger, listening for real on port 0.
 */
import { loadConfig } from '../../src/config';
import { isLoopbackAddress, openApiWarning } from '../../src/http/listen-warning';
import { startServer } from '../../src/server';
import { memoryLogger } from '../helpers/memory-logger';

const WARNING =
  'listening on 0.0.0.0 with no token: anyone who can reach this port can record samples, read them and DELETE hosts; ' +
  'set SERVERTRACK_TOKEN (and SERVERTRACK_INGEST_TOKEN, SERVERTRACK_READ_TOKEN), or HOST=127.0.0.1 to listen on this machine only';

async function warningsAtStart(env: Record<string, string>): Promise<unknown[]> {
  const log = memoryLogger();
  const running = await startServer(loadConfig({ PORT: '0', ...env }), log.logger);
  await running.close();
  return log
    .lines()
    .filter((line) => line.level === 40)
    .map((line) => line.msg);
}

describe('the start-up warning', () => {
  it('is logged once when the default address 0.0.0.0 is used without a token', async () => {
    expect(await warningsAtStart({})).toEqual([WARNING]);
  });

  it.each([
    ['a full token', { SERVERTRACK_TOKEN: 'secret' }],
    ['only a read token', { SERVERTRACK_READ_TOKEN: 'secret' }],
    ['a loopback address', { HOST: '127.0.0.1' }],
  ])('is not logged with %s', async (_case, env) => {
    expect(await warningsAtStart(env)).toEqual([]);
  });
});

describe('isLoopbackAddress', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST'])(
    'says %s is',
    (host) => {
      expect(isLoopbackAddress(host)).toBe(true);
    },
  );

  it.each(['0.0.0.0', '::', '10.0.0.5', '192.168.1.2', '128.0.0.1', 'example.com', '::ffff:10.0.0.1', '1127.0.0.1'])(
    'says %s is not',
    (host) => {
      expect(isLoopbackAddress(host)).toBe(false);
    },
  );
});

describe('openApiWarning', () => {
  it('names the address it listens on', () => {
    expect(openApiWarning('10.0.0.5', 0)).toMatch(/^listening on 10\.0\.0\.5 with no token: /);
    expect(openApiWarning('10.0.0.5', 1)).toBeUndefined();
  });
});
