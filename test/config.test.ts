import { loadConfig } from '../src/config';

describe('loadConfig', () => {
  it('uses the documented defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual({
      port: 8080,
      host: '0.0.0.0',
      sweepIntervalSec: 60,
      shutdownGraceSec: 10,
      logLevel: 'info',
      bulkMaxSamples: 100_000,
      bulkMaxBytes: 10_485_760,
    });
  });

  it('reads every variable', () => {
    expect(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        SERVERTRACK_SWEEP_INTERVAL: '5',
        SERVERTRACK_SHUTDOWN_GRACE: '0',
        LOG_LEVEL: 'debug',
        SERVERTRACK_BULK_MAX_SAMPLES: '500',
        SERVERTRACK_BULK_MAX_BYTES: '65536',
      }),
    ).toEqual({
      port: 0,
      host: '127.0.0.1',
      sweepIntervalSec: 5,
      shutdownGraceSec: 0,
      logLevel: 'debug',
      bulkMaxSamples: 500,
      bulkMaxBytes: 65_536,
    });
  });

  it.each([
    [{ PORT: '80a' }, "PORT must be an integer from 0 to 65535, got '80a'"],
    [{ PORT: '65536' }, "PORT must be an integer from 0 to 65535, got '65536'"],
    [{ PORT: '-1' }, "PORT must be an integer from 0 to 65535, got '-1'"],
    [{ SERVERTRACK_SWEEP_INTERVAL: '0' }, "SERVERTRACK_SWEEP_INTERVAL must be an integer from 1 to 86400, got '0'"],
    [{ SERVERTRACK_SHUTDOWN_GRACE: '1.5' }, "SERVERTRACK_SHUTDOWN_GRACE must be an integer from 0 to 3600, got '1.5'"],
    [{ SERVERTRACK_BULK_MAX_SAMPLES: '0' }, "SERVERTRACK_BULK_MAX_SAMPLES must be an integer from 1 to 10000000, got '0'"],
    [{ SERVERTRACK_BULK_MAX_BYTES: '10MiB' }, "SERVERTRACK_BULK_MAX_BYTES must be an integer from 1 to 1073741824, got '10MiB'"],
    [{ LOG_LEVEL: 'verbose' }, "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got 'verbose'"],
  ])('rejects %p', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
