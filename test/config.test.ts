import { describeSettings, loadConfig } from '../src/config';

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
      maxHosts: 100_000,
      authTokens: [],
      snapshotPath: undefined,
      snapshotIntervalSec: 60,
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
        SERVERTRACK_MAX_HOSTS: '7',
        SERVERTRACK_TOKEN: 'old-token,new-token',
        SERVERTRACK_SNAPSHOT: '/var/lib/servertrack/snapshot.bin',
        SERVERTRACK_SNAPSHOT_INTERVAL: '300',
      }),
    ).toEqual({
      port: 0,
      host: '127.0.0.1',
      sweepIntervalSec: 5,
      shutdownGraceSec: 0,
      logLevel: 'debug',
      bulkMaxSamples: 500,
      bulkMaxBytes: 65_536,
      maxHosts: 7,
      authTokens: ['old-token', 'new-token'],
      snapshotPath: '/var/lib/servertrack/snapshot.bin',
      snapshotIntervalSec: 300,
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
    [{ SERVERTRACK_MAX_HOSTS: '0' }, "SERVERTRACK_MAX_HOSTS must be an integer from 1 to 100000000, got '0'"],
    [{ SERVERTRACK_MAX_HOSTS: '1e5' }, "SERVERTRACK_MAX_HOSTS must be an integer from 1 to 100000000, got '1e5'"],
    [{ SERVERTRACK_SNAPSHOT_INTERVAL: '0' }, "SERVERTRACK_SNAPSHOT_INTERVAL must be an integer from 1 to 86400, got '0'"],
    [{ LOG_LEVEL: 'verbose' }, "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got 'verbose'"],
  ])('rejects %p', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  describe('SERVERTRACK_TOKEN', () => {
    it('leaves the API open when empty', () => {
      expect(loadConfig({ SERVERTRACK_TOKEN: '' }).authTokens).toEqual([]);
    });

    it('trims spaces around each token of the list', () => {
      expect(loadConfig({ SERVERTRACK_TOKEN: ' one , two=' }).authTokens).toEqual(['one', 'two=']);
    });

    it.each([
      ['secret with space', 'SERVERTRACK_TOKEN entry 1 of 1 is not a bearer token'],
      ['good,,good2', 'SERVERTRACK_TOKEN entry 2 of 3 is not a bearer token'],
      ['good,bad"quote', 'SERVERTRACK_TOKEN entry 2 of 2 is not a bearer token'],
    ])('rejects %j without repeating it', (raw, start) => {
      const message = `${start}: use 1 or more of A-Z a-z 0-9 - . _ ~ + / then optional '=' padding`;
      expect(() => loadConfig({ SERVERTRACK_TOKEN: raw })).toThrow(message);
    });
  });
});

describe('describeSettings', () => {
  it('shows every setting but replaces the tokens by their count', () => {
    const config = loadConfig({ SERVERTRACK_TOKEN: 'top-secret-1,top-secret-2' });
    const described = describeSettings(config);
    expect(described).toEqual({ ...config, authTokens: '2 redacted' });
    expect(JSON.stringify(described)).not.toContain('top-secret');
  });
});
