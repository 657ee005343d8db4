import { readFileSync } from 'node:fs';
import path from 'node:path';
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
      maxConnections: 10_000,
      authTokens: [],
      ingestTokens: [],
      readTokens: [],
      corsOrigins: [],
      snapshotPath: undefined,
      snapshotIntervalSec: 60,
      staleAfterSec: 120,
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
        SERVERTRACK_MAX_CONNECTIONS: '500',
        SERVERTRACK_TOKEN: 'old-token,new-token',
        SERVERTRACK_INGEST_TOKEN: 'agent-token',
        SERVERTRACK_READ_TOKEN: 'grafana-token,dashboard-token',
        SERVERTRACK_CORS_ORIGINS: 'https://grafana.example.com,http://10.0.0.5:3000',
        SERVERTRACK_SNAPSHOT: '/var/lib/servertrack/snapshot.bin',
        SERVERTRACK_SNAPSHOT_INTERVAL: '300',
        SERVERTRACK_STALE_AFTER: '600',
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
      maxConnections: 500,
      authTokens: ['old-token', 'new-token'],
      ingestTokens: ['agent-token'],
      readTokens: ['grafana-token', 'dashboard-token'],
      corsOrigins: ['https://grafana.example.com', 'http://10.0.0.5:3000'],
      snapshotPath: '/var/lib/servertrack/snapshot.bin',
      snapshotIntervalSec: 300,
      staleAfterSec: 600,
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
    [{ SERVERTRACK_STALE_AFTER: '0' }, "SERVERTRACK_STALE_AFTER must be an integer from 1 to 86400, got '0'"],
    [{ SERVERTRACK_STALE_AFTER: '86401' }, "SERVERTRACK_STALE_AFTER must be an integer from 1 to 86400, got '86401'"],
    [{ SERVERTRACK_MAX_CONNECTIONS: '0' }, "SERVERTRACK_MAX_CONNECTIONS must be an integer from 1 to 10000000, got '0'"],
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
      [
        { SERVERTRACK_STORE: 'redis', REDIS_URL: 'http://x:1' },
        'REDIS_URL must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379',
      ],
      [
        { SERVERTRACK_STORE: 'redis', REDIS_URL: 'not a url' },
        'REDIS_URL must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379',
      ],
      [
        { SERVERTRACK_STORE: 'redis', REDIS_CLUSTER_NODES: '10.0.0.1' },
        "REDIS_CLUSTER_NODES must be comma-separated host:port, got '10.0.0.1'",
      ],
      [
        { SERVERTRACK_STORE: 'redis', REDIS_CLUSTER_NODES: 'a:1,b:70000' },
        "REDIS_CLUSTER_NODES must be comma-separated host:port, got 'b:70000'",
      ],
      [
        { SERVERTRACK_STORE: 'redis', REDIS_URL: 'redis://a:1', REDIS_CLUSTER_NODES: 'a:1' },
        'set REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a Redis Cluster), not both',
      ],
      [{ REDIS_URL: 'redis://a:1' }, 'REDIS_URL is set but SERVERTRACK_STORE is memory; set SERVERTRACK_STORE=redis'],
      [{ REDIS_CLUSTER_NODES: 'a:1' }, 'REDIS_CLUSTER_NODES is set but SERVERTRACK_STORE is memory; set SERVERTRACK_STORE=redis'],
      [
        { SERVERTRACK_STORE: 'redis', REDIS_KEY_PREFIX: '{st}' },
        "REDIS_KEY_PREFIX must not contain '{', '}' or spaces (they would break the hash tags)",
      ],
      [
        { SERVERTRACK_STORE: 'redis', REDIS_COMMAND_TIMEOUT_MS: '5' },
        "REDIS_COMMAND_TIMEOUT_MS must be an integer from 10 to 60000, got '5'",
      ],
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

  describe.each(['SERVERTRACK_TOKEN', 'SERVERTRACK_INGEST_TOKEN', 'SERVERTRACK_READ_TOKEN'])('%s', (name) => {
    it.each(['', ' '])('stops start-up when set but empty (%j), rather than leave the API open', (raw) => {
      expect(() => loadConfig({ [name]: raw })).toThrow(
        new Error(`${name} is set but empty: unset it to run without auth, or give one or more tokens`),
      );
    });

    it('trims spaces around each token of the list', () => {
      expect(loadConfig({ [name]: ' one , two=' })).toMatchObject({
        authTokens: name === 'SERVERTRACK_TOKEN' ? ['one', 'two='] : [],
        ingestTokens: name === 'SERVERTRACK_INGEST_TOKEN' ? ['one', 'two='] : [],
        readTokens: name === 'SERVERTRACK_READ_TOKEN' ? ['one', 'two='] : [],
      });
    });

    it.each([
      ['secret with space', 'entry 1 of 1 is not a bearer token'],
      ['good,,good2', 'entry 2 of 3 is not a bearer token'],
      ['good,bad"quote', 'entry 2 of 2 is not a bearer token'],
    ])('rejects %j without repeating it', (raw, start) => {
      const message = `${name} ${start}: use 1 or more of A-Z a-z 0-9 - . _ ~ + / then optional '=' padding`;
      expect(() => loadConfig({ [name]: raw })).toThrow(new Error(message));
    });
  });

  it('accepts one token in two variables: it gets both scopes', () => {
    const config = loadConfig({ SERVERTRACK_INGEST_TOKEN: 'both', SERVERTRACK_READ_TOKEN: 'both,reader' });
    expect(config).toMatchObject({ authTokens: [], ingestTokens: ['both'], readTokens: ['both', 'reader'] });
  });

  describe('SERVERTRACK_CORS_ORIGINS', () => {
    it.each([
      ['*', ['*']],
      ['https://grafana.example.com', ['https://grafana.example.com']],
      [' https://a.example , http://b.example:8080 ', ['https://a.example', 'http://b.example:8080']],
      ['http://[::1]:3000', ['http://[::1]:3000']],
    ])('reads %j', (raw, origins) => {
      expect(loadConfig({ SERVERTRACK_CORS_ORIGINS: raw }).corsOrigins).toEqual(origins);
    });

    const FORM = 'write scheme://host[:port] such as https://grafana.example.com, or *';
    it.each([
      ['', 'SERVERTRACK_CORS_ORIGINS is set but empty: unset it to allow no other origin, or give * or a list of origins'],
      ['grafana.example.com', `SERVERTRACK_CORS_ORIGINS entry 'grafana.example.com' is not an origin: ${FORM}`],
      ['ftp://files.example', `SERVERTRACK_CORS_ORIGINS entry 'ftp://files.example' is not an origin: ${FORM}`],
      ['https://a.example,', `SERVERTRACK_CORS_ORIGINS entry '' is not an origin: ${FORM}`],
      [
        'https://grafana.example.com/',
        "SERVERTRACK_CORS_ORIGINS entry 'https://grafana.example.com/' is not an origin: write it as https://grafana.example.com (no path, lower case, no default port)",
      ],
      [
        'https://grafana.example.com/d/abc',
        "SERVERTRACK_CORS_ORIGINS entry 'https://grafana.example.com/d/abc' is not an origin: write it as https://grafana.example.com (no path, lower case, no default port)",
      ],
      [
        'https://Grafana.example.com:443',
        "SERVERTRACK_CORS_ORIGINS entry 'https://Grafana.example.com:443' is not an origin: write it as https://grafana.example.com (no path, lower case, no default port)",
      ],
      ['*,https://a.example', 'SERVERTRACK_CORS_ORIGINS: * already allows every origin; give it alone'],
    ])('rejects %j', (raw, message) => {
      expect(() => loadConfig({ SERVERTRACK_CORS_ORIGINS: raw })).toThrow(new Error(message));
    });
  });

  describe('an unknown SERVERTRACK_ variable', () => {
    it.each([
      ['SERVERTRACK_TOKENS', 'unknown setting SERVERTRACK_TOKENS; did you mean SERVERTRACK_TOKEN?'],
      ['SERVERTRACK_READ_TOKENS', 'unknown setting SERVERTRACK_READ_TOKENS; did you mean SERVERTRACK_READ_TOKEN?'],
      ['SERVERTRACK_MAX_HOST', 'unknown setting SERVERTRACK_MAX_HOST; did you mean SERVERTRACK_MAX_HOSTS?'],
      ['SERVERTRACK_SNAPSHOT_INTERVALL', 'unknown setting SERVERTRACK_SNAPSHOT_INTERVALL; did you mean SERVERTRACK_SNAPSHOT_INTERVAL?'],
      ['SERVERTRACK_PORT', 'unknown setting SERVERTRACK_PORT; did you mean PORT?'],
      ['SERVERTRACK_LOG_LEVEL', 'unknown setting SERVERTRACK_LOG_LEVEL; did you mean LOG_LEVEL?'],
      ['SERVERTRACK_CORS_ORIGIN', 'unknown setting SERVERTRACK_CORS_ORIGIN; did you mean SERVERTRACK_CORS_ORIGINS?'],
      [
        'SERVERTRACK_HOST',
        'unknown setting SERVERTRACK_HOST (SERVERTRACK_HOST is read by the agent, examples/agent.sh, not by the server); did you mean HOST?',
      ],
    ])('stops start-up naming %s and the nearest known setting', (name, message) => {
      expect(() => loadConfig({ [name]: 'abc' })).toThrow(new Error(message));
    });

    it('stops start-up even when set but empty', () => {
      expect(() => loadConfig({ SERVERTRACK_TOKENS: '' })).toThrow(
        new Error('unknown setting SERVERTRACK_TOKENS; did you mean SERVERTRACK_TOKEN?'),
      );
    });

    it('leaves variables without the prefix alone', () => {
      expect(() => loadConfig({ TOKEN: 'x', SERVERTRACKER: 'y', PATH: '/usr/bin', servertrack_token: 'z' })).not.toThrow();
    });

    it('knows every SERVERTRACK_ setting the source reads', () => {
      const source = ['src/config.ts', 'src/store/store-config.ts']
        .map((file) => readFileSync(path.join(__dirname, '..', file), 'utf8'))
        .join('');
      const names = [...new Set(source.match(/\bSERVERTRACK_[A-Z_]+\b/g))];
      expect(names.length).toBeGreaterThan(15);
      for (const name of names) {
        let message = '';
        try {
          loadConfig({ [name]: 'x' });
        } catch (err) {
          message = (err as Error).message;
        }
        expect({ name, unknown: message.startsWith('unknown setting') }).toEqual({ name, unknown: false });
      }
    });
  });
});

describe('describeSettings', () => {
  it('shows every setting but replaces the tokens by their count', () => {
    const config = loadConfig({ SERVERTRACK_TOKEN: 'top-secret-1,top-secret-2' });
    const described = describeSettings(config);
    expect(described).toEqual({ ...config, authTokens: '2 redacted', ingestTokens: '0 redacted', readTokens: '0 redacted' });
    expect(JSON.stringify(described)).not.toContain('top-secret');
  });

  it('replaces the ingest and read tokens by their count', () => {
    const config = loadConfig({ SERVERTRACK_INGEST_TOKEN: 'top-secret-1', SERVERTRACK_READ_TOKEN: 'top-secret-2,top-secret-3' });
    expect(describeSettings(config)).toMatchObject({ authTokens: '0 redacted', ingestTokens: '1 redacted', readTokens: '2 redacted' });
    expect(JSON.stringify(describeSettings(config))).not.toContain('top-secret');
  });

  it('replaces the password in REDIS_URL', () => {
    const config = loadConfig({ SERVERTRACK_STORE: 'redis', REDIS_URL: 'redis://app:hunter2@redis.internal:6379/0' });
    expect(describeSettings(config).store).toEqual({ ...config.store, redisUrl: 'redis://app:redacted@redis.internal:6379/0' });
  });
});
