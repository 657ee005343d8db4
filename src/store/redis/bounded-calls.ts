/*
 * How a Redis call may fail: within a deadline, and always as StoreUnavailableError when
 * Redis cannot serve (down, slow, loading, read-only, failing over), so the HTTP layer
 * answers 503 and a client learns nothing was done. A reply that means a bug in a command
 * is passed on as it is, to become a logged 500.
 */
import { ReplyError } from 'ioredis';
import { StoreUnavailableError } from '../store-errors';
import { RedisClient } from './connection';

/** Replies that mean "Redis cannot serve this now", as opposed to a bug in a command. */
const UNAVAILABLE_REPLIES = /^(CLUSTERDOWN|LOADING|READONLY|MASTERDOWN|TRYAGAIN|OOM|BUSY|NOREPLICAS|MOVED|ASK)\b/;

export class BoundedCalls {
  /** Why the connection is down, for /healthz and 503 reasons; ioredis's own message only says "not writeable". */
  private connectionError: string | undefined;

  constructor(
    private readonly client: RedisClient,
    private readonly timeoutMs: number,
  ) {
    client.on('error', (err: Error) => (this.connectionError = err.message));
    client.on('ready', () => (this.connectionError = undefined));
  }

  /** Runs `work` against the deadline and turns every way Redis can fail into StoreUnavailableError. */
  run<T>(work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new StoreUnavailableError(`redis did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      work().then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(this.toStoreError(err));
        },
      );
    });
  }

  private toStoreError(err: unknown): unknown {
    if (err instanceof StoreUnavailableError) return err; // from a bounded call inside this one
    if (err instanceof ReplyError && !UNAVAILABLE_REPLIES.test((err as Error).message)) return err;
    const message = err instanceof Error ? err.message : String(err);
    if (this.client.status !== 'ready' && this.connectionError !== undefined)
      return new StoreUnavailableError(`redis: ${this.connectionError}`);
    return new StoreUnavailableError(`redis: ${message}`);
  }
}
