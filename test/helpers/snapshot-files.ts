/*
 * Temporary folders for snapshot files, and a small store with data in every ring, so
 * snapshot tests start from the same known state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HostStore } from '../../src/store/host-store';
import { MODES } from '../../src/store/modes';

// 2023-11-14T22:30:30Z: mid-hour and mid-minute.
export const NOW_SEC = 1_700_001_030;

export interface TempFolder {
  folder: string;
  file(name: string): string;
  remove(): void;
}

export function tempFolder(): TempFolder {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'servertrack-snapshot-'));
  return { folder, file: (name) => path.join(folder, name), remove: () => rmSync(folder, { recursive: true, force: true }) };
}

/** web-1 with samples in three minutes and two hours, db-1 with one sample now. */
export function sampleStore(nowSec: number = NOW_SEC): HostStore {
  const store = new HostStore();
  store.record('web-1', { timeSec: nowSec, cpuLoad: 10, memLoad: 20 }, nowSec);
  store.record('web-1', { timeSec: nowSec, cpuLoad: 30, memLoad: 60 }, nowSec);
  store.record('web-1', { timeSec: nowSec - 5, cpuLoad: 12.5, memLoad: 40.1 }, nowSec);
  store.record('web-1', { timeSec: nowSec - 90, cpuLoad: 99, memLoad: 1 }, nowSec);
  store.record('web-1', { timeSec: nowSec - 2 * 3600, cpuLoad: 0, memLoad: 100 }, nowSec);
  store.record('db-1', { timeSec: nowSec - 1, cpuLoad: 7, memLoad: 55 }, nowSec);
  return store;
}

/** Everything a client can read from `store` at `nowSec`: the host list and every report. */
export function readable(store: HostStore, nowSec: number): unknown {
  const hosts = store.hosts(nowSec);
  return { hosts, reports: hosts.map(({ host }) => MODES.map((mode) => store.report(host, mode, nowSec))) };
}
