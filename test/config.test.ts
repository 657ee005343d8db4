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
      headersTimeoutSec: 10,
      requestTimeoutSec: 30,
      keepAliveTimeoutSec: 5,
      authTokens: [],
      snapshotPath: undefined,
      snapshotIntervalSec: 60,
      store: {
        kind: 'memory',
        redisUrl: 'redis://127.0.0.1:6379',
        redisClusterNodes: [],
        redisKeyPrefix: 'servertrack:',
        redisCommandTimeoutMs: 1000,
      },
      workers: 1,
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
        SERVERTRACK_HEADERS_TIMEOUT: '2',
        SERVERTRACK_REQUEST_TIMEOUT: '3',
        SERVERTRACK_KEEP_ALIVE_TIMEOUT: '4',
        SERVERTRACK_TOKEN: 'old-token,new-token',
        SERVERTRACK_SNAPSHOT: '/var/lib/servertrack/snapshot.bin',
        SERVERTRACK_SNAPSHOT_INTERVAL: '300',
        SERVERTRACK_STORE: 'memory',
        REDIS_KEY_PREFIX: 'st:',
        REDIS_COMMAND_TIMEOUT_MS: '250',
        SERVERTRACK_WORKERS: '1',
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
      headersTimeoutSec: 2,
      requestTimeoutSec: 3,
      keepAliveTimeoutSec: 4,
      authTokens: ['old-token', 'new-token'],
      snapshotPath: '/var/lib/servertrack/snapshot.bin',
      snapshotIntervalSec: 300,
      store: {
        kind: 'memory',
        redisUrl: 'redis://127.0.0.1:6379',
        redisClusterNodes: [],
        redisKeyPrefix: 'st:',
        redisCommandTimeoutMs: 250,
      },
      workers: 1,
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
    [{ SERVERTRACK_KEEP_ALIVE_TIMEOUT: '0' }, "SERVERTRACK_KEEP_ALIVE_TIMEOUT must be an integer from 1 to 3600, got '0'"],
    [{ SERVERTRACK_REQUEST_TIMEOUT: '5' }, 'SERVERTRACK_HEADERS_TIMEOUT (10) must not exceed SERVERTRACK_REQUEST_TIMEOUT (5)'],
    [{ LOG_LEVEL: 'verbose' }, "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got 'verbose'"],
  ])('rejects %p', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  describe('the store settings', () => {
    it('reads the Redis store, its URL and several workers', () => {
      const config = loadConfig({ SERVERTRACK_STORE: 'redis', REDIS_URL: 'redis://:pw@redis.internal:6380/2', SERVERTRACK_WORKERS: '4' });
      expect(config.store).toEqual({
        kind: 'redis',
        redisUrl: 'redis://:pw@redis.internal:6380/2',
        redisClusterNodes: [],
        redisKeyPrefix: 'servertrack:',
        redisCommandTimeoutMs: 1000,
      });
      expect(config.workers).toBe(4);
    });

    it('reads a Redis Cluster as its list of seeds', () => {
      const config = loadConfig({ SERVERTRACK_STORE: 'redis', REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7001' });
      expect(config.store.redisClusterNodes).toEqual(['10.0.0.1:7000', '10.0.0.2:7001']);
    });

    it.each([
      [{ SERVERTRACK_STORE: 'postgres' }, "SERVERTRACK_STORE must be one of memory, redis, got 'postgres'"],
      [{ SERVERTRACK_STORE: 'redis', REDIS_URL: 'http://x:1' }, 'REDIS_URL must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379'],
      [{ SERVERTRACK_STORE: 'redis', REDIS_URL: 'not a url' }, 'REDIS_URL must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379'],
      [{ SERVERTRACK_STORE: 'redis', REDIS_CLUSTER_NODES: '10.0.0.1' }, "REDIS_CLUSTER_NODES must be comma-separated host:port, got '10.0.0.1'"],
      [{ SERVERTRACK_STORE: 'redis', REDIS_CLUSTER_NODES: 'a:1,b:70000' }, "REDIS_CLUSTER_NODES must be comma-separated host:port, got 'b:70000'"],
      [
        { SERVERTRACK_STORE: 'redis', REDIS_URL: 'redis://a:1', REDIS_CLUSTER_NODES: 'a:1' },
        'set REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a Redis Cluster), not both',
      ],
      [{ REDIS_URL: 'redis://a:1' }, 'REDIS_URL is set but SERVERTRACK_STORE is memory; set SERVERTRACK_STORE=redis'],
      [{ REDIS_CLUSTER_NODES: 'a:1' }, 'REDIS_CLUSTER_NODES is set but SERVERTRACK_STORE is memory; set SERVERTRACK_STORE=redis'],
      [{ SERVERTRACK_STORE: 'redis', REDIS_KEY_PREFIX: '{st}' }, "REDIS_KEY_PREFIX must not contain '{', '}' or spaces (they would break the hash tags)"],
      [{ SERVERTRACK_STORE: 'redis', REDIS_COMMAND_TIMEOUT_MS: '5' }, "REDIS_COMMAND_TIMEOUT_MS must be an integer from 10 to 60000, got '5'"],
      [{ SERVERTRACK_WORKERS: '0' }, "SERVERTRACK_WORKERS must be an integer from 1 to 64, got '0'"],
      [
        { SERVERTRACK_STORE: 'redis', SERVERTRACK_SNAPSHOT: '/tmp/s.bin' },
        'SERVERTRACK_SNAPSHOT is for the in-memory store; with SERVERTRACK_STORE=redis the data lives in Redis (use its own persistence)',
      ],
    ])('rejects %p', (env, message) => {
      expect(() => loadConfig(env)).toThrow(message);
    });

    it('refuses several workers on the in-memory store, saying why', () => {
      expect(() => loadConfig({ SERVERTRACK_WORKERS: '2' })).toThrow(
        'SERVERTRACK_WORKERS=2 needs SERVERTRACK_STORE=redis: the in-memory store lives inside one process, ' +
          'so each worker would hold a different part of the data and answers would depend on which worker took the request',
      );
    });
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

  it('replaces the password in REDIS_URL', () => {
    const config = loadConfig({ SERVERTRACK_STORE: 'redis', REDIS_URL: 'redis://app:hunter2@redis.internal:6379/0' });
    expect(describeSettings(config).store).toEqual({ ...config.store, redisUrl: 'redis://app:redacted@redis.internal:6379/0' });
  });
});
