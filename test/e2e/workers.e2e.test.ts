import { startServerProcess } from '../helpers/server-process';

jest.setTimeout(60_000);

describe('SERVERTRACK_WORKERS on the in-memory store', () => {
  it('refuses to start, saying why, and exits 1', async () => {
    const failure = startServerProcess({ SERVERTRACK_WORKERS: '2' });
    await expect(failure).rejects.toThrow('server exited with 1 before listening');
    await expect(failure).rejects.toThrow(
      'servertrack failed to start: SERVERTRACK_WORKERS=2 needs SERVERTRACK_STORE=redis: the in-memory store lives inside one process, ' +
        'so each worker would hold a different part of the data and answers would depend on which worker took the request',
    );
  });
});
