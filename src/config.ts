/*
 * Every setting in one typed object, each with its default and its environment variable
 * next to it. loadConfig checks them all once, at start-up: a bad value stops the process
 * with a message instead of failing on the first request.
 */
import { isBearerToken } from './http/auth';
import { DEFAULT_BULK_LIMITS } from './http/bulk';
import { parseCorsOrigins } from './http/cors';
import { DEFAULT_MAX_CONNECTIONS } from './http/connection-cap';
import { LOG_LEVELS, LogLevel, isLogLevel } from './logger';
import { StoreConfig, checkWorkers, loadStoreConfig, redactUrl } from './store/store-config';
import { DEFAULT_MAX_HOSTS } from './store/host-store';
import { DEFAULT_STALE_AFTER_SEC } from './fleet/status';
import { checkUnknownSettings, readsRecorded } from './unknown-settings';

export interface Config {
  port: number; // PORT, default 8080; 0 picks a free port
  host: string; // HOST, default 0.0.0.0 (every interface)
  sweepIntervalSec: number; // SERVERTRACK_SWEEP_INTERVAL, default 60: how often silent hosts are forgotten
  shutdownGraceSec: number; // SERVERTRACK_SHUTDOWN_GRACE, default 10: wait for in-flight requests on SIGTERM
  logLevel: LogLevel; // LOG_LEVEL, default info; debug adds one access line per request
  bulkMaxSamples: number; // SERVERTRACK_BULK_MAX_SAMPLES, default 100000: samples per POST /perf
  bulkMaxBytes: number; // SERVERTRACK_BULK_MAX_BYTES, default 10485760 (10 MiB): body size of POST /perf
  maxHosts: number; // SERVERTRACK_MAX_HOSTS, default 100000: hosts tracked at once; a new one beyond gets 503
  headersTimeoutSec: number; // SERVERTRACK_HEADERS_TIMEOUT, default 10: request line and headers must arrive within it (408)
  requestTimeoutSec: number; // SERVERTRACK_REQUEST_TIMEOUT, default 30: the whole request, body included (408)
  keepAliveTimeoutSec: number; // SERVERTRACK_KEEP_ALIVE_TIMEOUT, default 5: idle keep-alive connections are closed after it
  maxConnections: number; // SERVERTRACK_MAX_CONNECTIONS, default 10000: open connections at once; more are refused
  authTokens: string[]; // SERVERTRACK_TOKEN, default none (open): comma-separated bearer tokens with full access to /perf and /metrics
  ingestTokens: string[]; // SERVERTRACK_INGEST_TOKEN, default none: tokens that may only record samples (POST /perf...)
  readTokens: string[]; // SERVERTRACK_READ_TOKEN, default none: tokens that may only read (GET/HEAD /perf..., /metrics)
  corsOrigins: string[]; // SERVERTRACK_CORS_ORIGINS, default none (no CORS headers): comma-separated origins, or *
  snapshotPath: string | undefined; // SERVERTRACK_SNAPSHOT, default unset (memory only): file to load at start and write to
  snapshotIntervalSec: number; // SERVERTRACK_SNAPSHOT_INTERVAL, default 60: seconds between snapshot writes
  store: StoreConfig; // SERVERTRACK_STORE and the REDIS_* settings (store/store-config.ts)
  staleAfterSec: number; // SERVERTRACK_STALE_AFTER, default 120: a host whose newest sample is older is listed as stale
  workers: number; // SERVERTRACK_WORKERS, default 1: processes sharing the port (node:cluster); more than 1 needs Redis
}

type Env = Record<string, string | undefined>;

function integerSetting(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

function logLevelSetting(env: Env): LogLevel {
  const raw = env.LOG_LEVEL;
  if (raw === undefined || raw === '') return 'info';
  if (!isLogLevel(raw)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got '${raw}'`);
  return raw;
}

/**
 * Several tokens are accepted at once so a new one can be rolled out before the old one is retired.
 * Set but empty is refused: an operator who wrote SERVERTRACK_TOKEN= and left the value out
 * (a template, an unset shell variable) meant to lock the server, not to leave it open.
 */
function tokensSetting(env: Env, name: string): string[] {
  const raw = env[name];
  if (raw === undefined) return [];
  if (raw.trim() === '') throw new Error(`${name} is set but empty: unset it to run without auth, or give one or more tokens`);
  const tokens = raw.split(',').map((token) => token.trim());
  tokens.forEach((token, i) => {
    // The message must not echo the value: it is a secret, and start-up errors get logged.
    if (!isBearerToken(token)) {
      throw new Error(
        `${name} entry ${i + 1} of ${tokens.length} is not a bearer token: use 1 or more of A-Z a-z 0-9 - . _ ~ + / then optional '=' padding`,
      );
    }
  });
  return tokens;
}

/** The settings as the start-up log line shows them: secrets replaced by how many there are. */
export function describeSettings(config: Config): Record<string, unknown> {
  return {
    ...config,
    authTokens: `${config.authTokens.length} redacted`,
    ingestTokens: `${config.ingestTokens.length} redacted`,
    readTokens: `${config.readTokens.length} redacted`,
    store: { ...config.store, redisUrl: redactUrl(config.store.redisUrl) },
  };
}

/** node refuses a headers timeout longer than the request timeout; say so by name instead. */
function checkTimeouts(config: Config): Config {
  if (config.headersTimeoutSec > config.requestTimeoutSec) {
    throw new Error(
      `SERVERTRACK_HEADERS_TIMEOUT (${config.headersTimeoutSec}) must not exceed SERVERTRACK_REQUEST_TIMEOUT (${config.requestTimeoutSec})`,
    );
  }
  return config;
}

export function loadConfig(environment: Env = process.env): Config {
  const { env, namesRead } = readsRecorded(environment);
  const config = readConfig(env);
  checkUnknownSettings(environment, namesRead);
  return config;
}

function readConfig(env: Env): Config {
  const store = loadStoreConfig(env, (name, fallback, min, max) => integerSetting(env, name, fallback, min, max));
  const snapshotPath = env.SERVERTRACK_SNAPSHOT === undefined || env.SERVERTRACK_SNAPSHOT === '' ? undefined : env.SERVERTRACK_SNAPSHOT;
  if (snapshotPath !== undefined && store.kind === 'redis') {
    throw new Error(
      'SERVERTRACK_SNAPSHOT is for the in-memory store; with SERVERTRACK_STORE=redis the data lives in Redis (use its own persistence)',
    );
  }
  return checkTimeouts({
    port: integerSetting(env, 'PORT', 8080, 0, 65535),
    host: env.HOST === undefined || env.HOST === '' ? '0.0.0.0' : env.HOST,
    sweepIntervalSec: integerSetting(env, 'SERVERTRACK_SWEEP_INTERVAL', 60, 1, 86_400),
    shutdownGraceSec: integerSetting(env, 'SERVERTRACK_SHUTDOWN_GRACE', 10, 0, 3_600),
    logLevel: logLevelSetting(env),
    bulkMaxSamples: integerSetting(env, 'SERVERTRACK_BULK_MAX_SAMPLES', DEFAULT_BULK_LIMITS.maxSamples, 1, 10_000_000),
    bulkMaxBytes: integerSetting(env, 'SERVERTRACK_BULK_MAX_BYTES', DEFAULT_BULK_LIMITS.maxBytes, 1, 1024 * 1024 * 1024),
    maxHosts: integerSetting(env, 'SERVERTRACK_MAX_HOSTS', DEFAULT_MAX_HOSTS, 1, 100_000_000),
    headersTimeoutSec: integerSetting(env, 'SERVERTRACK_HEADERS_TIMEOUT', 10, 1, 3_600),
    requestTimeoutSec: integerSetting(env, 'SERVERTRACK_REQUEST_TIMEOUT', 30, 1, 3_600),
    keepAliveTimeoutSec: integerSetting(env, 'SERVERTRACK_KEEP_ALIVE_TIMEOUT', 5, 1, 3_600),
    maxConnections: integerSetting(env, 'SERVERTRACK_MAX_CONNECTIONS', DEFAULT_MAX_CONNECTIONS, 1, 10_000_000),
    authTokens: tokensSetting(env, 'SERVERTRACK_TOKEN'),
    ingestTokens: tokensSetting(env, 'SERVERTRACK_INGEST_TOKEN'),
    readTokens: tokensSetting(env, 'SERVERTRACK_READ_TOKEN'),
    corsOrigins: parseCorsOrigins(env.SERVERTRACK_CORS_ORIGINS),
    snapshotPath,
    snapshotIntervalSec: integerSetting(env, 'SERVERTRACK_SNAPSHOT_INTERVAL', 60, 1, 86_400),
    staleAfterSec: integerSetting(env, 'SERVERTRACK_STALE_AFTER', DEFAULT_STALE_AFTER_SEC, 1, 86_400),
    store,
    workers: checkWorkers(integerSetting(env, 'SERVERTRACK_WORKERS', 1, 1, 64), store),
  });
}
