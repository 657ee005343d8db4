/*
 * Snapshotter: when snapshots happen. Loads the file once at start-up, writes it every
 * interval and once more at shutdown, one write at a time, and logs one line for each.
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Logger } from '../logger';
import { HostStore } from '../store/host-store';
import { Clock, MS_PER_SECOND, toIsoSecond } from '../store/time';
import { LoadResult, SnapshotLoadError, loadSnapshot } from './loader';
import { WriteHooks, WriteResult, writeSnapshot } from './writer';

interface SnapshotterOptions {
  store: HostStore;
  clock: Clock;
  logger: Logger;
  filePath: string;
  intervalSec: number;
  hooks?: WriteHooks;
}

export class Snapshotter {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** The write in progress (or the last one); each write waits for the one before. */
  private writing: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SnapshotterOptions) {}

  /** Fills the store from the file, if there is one; throws naming the file if it cannot be used. */
  load(): LoadResult | undefined {
    const { filePath, store, clock, logger } = this.options;
    const folder = path.dirname(filePath);
    try {
      // Checked now, so a wrong path stops start-up instead of failing a minute later.
      accessSync(folder, constants.W_OK);
    } catch (err) {
      throw new SnapshotLoadError(filePath, `folder ${folder} is not writable (${(err as NodeJS.ErrnoException).code})`);
    }
    const startedMs = performance.now();
    const loaded = loadSnapshot(filePath, store, clock());
    if (loaded === undefined) {
      logger.info({ path: filePath }, 'no snapshot yet; starting empty');
      return undefined;
    }
    const durationMs = Math.round(performance.now() - startedMs);
    const { hosts, droppedHosts, bytes, savedAtSec } = loaded;
    logger.info({ path: filePath, hosts, droppedHosts, bytes, savedAt: toIsoSecond(savedAtSec), durationMs }, 'snapshot loaded');
    return loaded;
  }

  /** Writes every interval from now on. */
  start(): void {
    this.arm();
  }

  /** Stops the timer, waits for a write in progress, then writes once more. */
  stop(): Promise<WriteResult> {
    this.stopped = true;
    clearTimeout(this.timer);
    return this.write();
  }

  /** Queues one write after any in progress; rejects (after logging) if it fails. */
  write(): Promise<WriteResult> {
    const next = this.writing.then(() => this.writeOnce());
    this.writing = next.catch(() => undefined);
    return next;
  }

  // Re-armed only once a write has finished, so a write slower than the interval never overlaps the next.
  private arm(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.write()
        .catch(() => undefined) // logged in writeOnce; the next interval tries again
        .finally(() => this.arm());
    }, this.options.intervalSec * MS_PER_SECOND);
    this.timer.unref();
  }

  private async writeOnce(): Promise<WriteResult> {
    const { filePath, store, clock, logger, hooks } = this.options;
    try {
      const written = await writeSnapshot(store, filePath, clock(), hooks);
      logger.info({ path: filePath, ...written }, 'snapshot written');
      return written;
    } catch (err) {
      logger.error({ err, path: filePath }, 'snapshot write failed; the previous snapshot is kept');
      throw err;
    }
  }
}
