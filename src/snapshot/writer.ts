/*
 * Writes the store to a snapshot file (layout in format.ts) without stalling requests, and
 * so that a crash at any point leaves the previous snapshot whole:
 *
 *   <file>.tmp   written in 256 KiB chunks, fsync'd, closed
 *   rename       <file>.tmp over <file>: atomic, readers see the old file or the new one
 *   fsync folder so the rename itself survives a power cut
 *
 * Each chunk is filled synchronously (every host in it copied whole, so no host is half old
 * and half new), then handed to the file while the next one is filled. Waiting for the
 * previous chunk's write before filling on is the backpressure, and it is also where the
 * event loop serves requests: a write completes through libuv, never in a microtask.
 */
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { crc32 } from 'node:zlib';
import { HostStore } from '../store/host-store';
import { MAX_RECORD_BYTES, encodeEnd, encodeHeader, encodeRecord } from './format';

/** About 30 full hosts: a few milliseconds of copying between two turns of the loop. */
export const CHUNK_BYTES = 256 * 1024;

export interface WriteResult {
  hosts: number;
  bytes: number;
  durationMs: number;
}

export interface WriteHooks {
  /** Runs after the temporary file is complete and closed, before the rename; tests fail here. */
  beforeRename?: (tmpPath: string) => Promise<void>;
}

function tmpPathFor(filePath: string): string {
  return `${filePath}.tmp`;
}

/** Writes every host live at `nowSec` to `filePath`, replacing it only once the new file is whole. */
export async function writeSnapshot(store: HostStore, filePath: string, nowSec: number, hooks: WriteHooks = {}): Promise<WriteResult> {
  const startedMs = performance.now();
  const tmpPath = tmpPathFor(filePath);
  const file = await open(tmpPath, 'w');
  let closed = false;
  let pending: Promise<void> = Promise.resolve();
  try {
    const header = encodeHeader(nowSec);
    let crc = crc32(header);
    pending = writeAll(file, header);
    let bytes = header.length;
    let hosts = 0;
    const buffers = [Buffer.allocUnsafe(CHUNK_BYTES + MAX_RECORD_BYTES), Buffer.allocUnsafe(CHUNK_BYTES + MAX_RECORD_BYTES)];
    const states = store.states(nowSec);
    for (let which = 0, done = false; !done; which ^= 1) {
      const out = buffers[which];
      let used = 0;
      while (used < CHUNK_BYTES) {
        const next = states.next();
        if (next.done === true) {
          done = true;
          break;
        }
        used = encodeRecord(out, used, next.value[0], next.value[1], nowSec);
        hosts++;
      }
      const chunk = out.subarray(0, used);
      crc = crc32(chunk, crc);
      await pending; // frees the other buffer, and lets the event loop run
      pending = writeAll(file, chunk);
      bytes += used;
    }
    const end = encodeEnd(hosts, crc);
    await pending;
    await writeAll(file, end);
    bytes += end.length;
    await file.sync();
    closed = true;
    await file.close();
    await hooks.beforeRename?.(tmpPath);
    await rename(tmpPath, filePath);
    await syncFolder(path.dirname(filePath));
    return { hosts, bytes, durationMs: Math.round(performance.now() - startedMs) };
  } catch (err) {
    await pending.catch(() => undefined);
    if (!closed) await file.close().catch(() => undefined);
    await unlink(tmpPath).catch(() => undefined);
    throw err;
  }
}

async function writeAll(file: Awaited<ReturnType<typeof open>>, bytes: Buffer): Promise<void> {
  for (let at = 0; at < bytes.length;) {
    const { bytesWritten } = await file.write(bytes, at, bytes.length - at);
    at += bytesWritten;
  }
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
