import { REDACTED, isLogLevel } from '../src/logger';
import { memoryLogger } from './helpers/memory-logger';

describe('createLogger', () => {
  describe('when a logged object carries credentials', () => {
    it('replaces Authorization headers and tokens wherever they sit', () => {
      const log = memoryLogger('info');
      log.logger.info(
        {
          req: { method: 'POST', headers: { authorization: 'Bearer req-secret', host: 'tracker' } },
          headers: { authorization: 'Bearer top-secret' },
          authorization: 'Bearer bare-secret',
          upstream: { token: 'nested-secret', tokens: ['a-secret', 'b-secret'] },
          token: 'plain-secret',
        },
        'request failed',
      );
      const [line] = log.lines();
      expect(line).toMatchObject({
        req: { method: 'POST', headers: { authorization: REDACTED, host: 'tracker' } },
        headers: { authorization: REDACTED },
        authorization: REDACTED,
        upstream: { token: REDACTED, tokens: REDACTED },
        token: REDACTED,
        msg: 'request failed',
      });
      expect(JSON.stringify(line)).not.toContain('secret');
    });
  });

  it('writes one JSON line with the service name, an ISO time and the numeric level', () => {
    const log = memoryLogger('info');
    log.logger.warn({ port: 8080 }, 'hello');
    const [line] = log.lines();
    expect(line).toEqual({
      level: 40,
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      service: 'servertrack',
      port: 8080,
      msg: 'hello',
    });
  });
});

describe('isLogLevel', () => {
  it.each(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])('accepts %s', (name) => {
    expect(isLogLevel(name)).toBe(true);
  });

  it.each(['verbose', 'INFO', '', 'warning'])('rejects %p', (name) => {
    expect(isLogLevel(name)).toBe(false);
  });
});
