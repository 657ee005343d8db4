/*
 * Snapshot writing at 100,000 hosts with a full day of data (all 144 slots of every host
 * live, the worst case: 808 MB): how long the event loop is paused, and how long the write
 * takes.
 *
 * Baselines measured in the same run:
 *   idle loop   the same monitorEventLoopDelay histogram over an idle stretch as long as the
 *               write, to show the floor the machine itself sets (timers, GC, other tenants);
 *   raw write   the same number of bytes written in 1 MiB chunks through the same
 *               open / write / fsync / rename steps, to show what the disk alone costs,
 *               in time and in event-loop pauses (no serialization at all).
 *
 *   npm run bench:snapshot                 100,000 hosts, 3 runs (BENCH_ROUNDS), in the OS temp folder
 *   npm run bench:snapshot -- 20000 5 /dir  hosts, runs, folder
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PerformanceObserver, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { MAX_RECORD_BYTES, encodeRecord } from '../src/snapshot/format';
import { CHUNK_BYTES, writeSnapshot } from '../src/snapshot/writer';
import { HostStore } from '../src/store/host-store';
import { SECONDS_PER_HOUR, SECONDS_PER_MINUTE } from '../src/store/time';
import { describeMachine, log, printCommand } from './lib/report';
import { intFromEnv } from './lib/rounds';
import { median } from './lib/stats';

const NS_PER_MS = 1e6;
const HOSTS = Number(process.argv[2] ?? 100_000);
const RUNS = process.argv[3] === undefined ? intFromEnv('BENCH_ROUNDS', 3) : Number(process.argv[3]);
const FOLDER = mkdtempSync(path.join(process.argv[4] ?? os.tmpdir(), 'servertrack-bench-'));
const NOW_SEC = 1_700_001_030;

function fullDayStore(): HostStore {
  const store = new HostStore();
  for (let h = 0; h < HOSTS; h++) {
    const host = `host-${h}.example.internal`;
    // One sample in every bucket of every window: all 144 slots live.
    for (let s = 0; s < 60; s++) store.record(host, { timeSec: NOW_SEC - s, cpuLoad: (h + s) % 100, memLoad: s }, NOW_SEC);
    for (let m = 1; m < 60; m++) store.record(host, { timeSec: NOW_SEC - m * SECONDS_PER_MINUTE, cpuLoad: m, memLoad: h % 100 }, NOW_SEC);
    for (let d = 1; d < 24; d++) store.record(host, { timeSec: NOW_SEC - d * SECONDS_PER_HOUR, cpuLoad: d, memLoad: 50 }, NOW_SEC);
  }
  return store;
}

interface Pause {
  maxMs: number;
  p99Ms: number;
  gcMaxMs: number; // the longest garbage collection inside the stretch: our own share of the pauses
}

/** Runs `work` while a 1 ms-resolution histogram watches the event loop and an observer the GC. */
async function watchLoop<T>(work: () => Promise<T>): Promise<{ result: T; pause: Pause }> {
  let gcMaxMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMaxMs = Math.max(gcMaxMs, entry.duration);
  });
  gc.observe({ entryTypes: ['gc'] });
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const result = await work();
  histogram.disable();
  await new Promise((resolve) => setImmediate(resolve)); // lets the observer deliver the last entries
  gc.disconnect();
  return { result, pause: { maxMs: histogram.max / NS_PER_MS, p99Ms: histogram.percentile(99) / NS_PER_MS, gcMaxMs } };
}

async function rawWrite(filePath: string, bytes: number): Promise<void> {
  const chunk = Buffer.alloc(1024 * 1024, 7);
  const file = await open(`${filePath}.tmp`, 'w');
  for (let left = bytes; left > 0; left -= chunk.length) await file.write(chunk, 0, Math.min(chunk.length, left));
  await file.sync();
  await file.close();
  await rename(`${filePath}.tmp`, filePath);
}

const fmt = (ms: number): string => ms.toFixed(1);

/** The writer's own synchronous work between two turns of the loop: copying one chunk of hosts. */
function chunkCopyMs(store: HostStore): { medianMs: number; maxMs: number } {
  const out = Buffer.allocUnsafe(CHUNK_BYTES + MAX_RECORD_BYTES);
  const timesMs: number[] = [];
  const states = store.states(NOW_SEC);
  for (let chunk = 0; chunk < 200; chunk++) {
    const startedMs = performance.now();
    for (let used = 0; used < CHUNK_BYTES;) {
      const next = states.next();
      if (next.done === true) break;
      used = encodeRecord(out, used, next.value[0], next.value[1], NOW_SEC);
    }
    timesMs.push(performance.now() - startedMs);
  }
  return { medianMs: median(timesMs), maxMs: Math.max(...timesMs) };
}

async function main(): Promise<void> {
  log(`snapshot: ${HOSTS} hosts, ${RUNS} runs, in ${FOLDER}`);
  const filledMs = performance.now();
  const store = fullDayStore();
  console.log(
    `filled ${HOSTS} hosts x 144 live slots in ${fmt(performance.now() - filledMs)} ms; rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`,
  );
  const copy = chunkCopyMs(store);
  console.log(
    `copying one ${CHUNK_BYTES / 1024} KiB chunk: median ${copy.medianMs.toFixed(2)} ms, max ${copy.maxMs.toFixed(2)} ms (200 chunks)`,
  );
  const file = path.join(FOLDER, 'servertrack.snapshot');
  const rows: { snapshot: Pause; idle: Pause; raw: Pause; writeMs: number; rawMs: number; bytes: number }[] = [];
  for (let run = 0; run < RUNS; run++) {
    const { result: written, pause: snapshot } = await watchLoop(() => writeSnapshot(store, file, NOW_SEC));
    const { pause: idle } = await watchLoop(() => new Promise((resolve) => setTimeout(resolve, written.durationMs)));
    const rawStartedMs = performance.now();
    const { pause: raw } = await watchLoop(() => rawWrite(path.join(FOLDER, 'raw'), written.bytes));
    const rawMs = performance.now() - rawStartedMs;
    rows.push({ snapshot, idle, raw, writeMs: written.durationMs, rawMs, bytes: written.bytes });
    console.log(
      `run ${run + 1}: snapshot ${written.bytes} bytes in ${written.durationMs} ms, loop pause max ${fmt(snapshot.maxMs)} ms ` +
        `p99 ${fmt(snapshot.p99Ms)} ms gc max ${fmt(snapshot.gcMaxMs)} ms | idle loop max ${fmt(idle.maxMs)} ms p99 ${fmt(idle.p99Ms)} ms | raw write ${fmt(rawMs)} ms, loop pause max ${fmt(raw.maxMs)} ms p99 ${fmt(raw.p99Ms)} ms`,
    );
  }
  const maxMs = median(rows.map((r) => r.snapshot.maxMs));
  const writeMs = median(rows.map((r) => r.writeMs));
  const rawMs = median(rows.map((r) => r.rawMs));
  console.log(
    `\nmedian of ${RUNS}: ${HOSTS} hosts, ${(rows[0].bytes / 2 ** 20).toFixed(0)} MiB: loop pause max ${fmt(maxMs)} ms ` +
      `(idle loop ${fmt(median(rows.map((r) => r.idle.maxMs)))} ms, raw write ${fmt(median(rows.map((r) => r.raw.maxMs)))} ms), longest GC ${fmt(median(rows.map((r) => r.snapshot.gcMaxMs)))} ms, p99 ${fmt(median(rows.map((r) => r.snapshot.p99Ms)))} ms; ` +
      `write ${fmt(writeMs)} ms = ${(writeMs / rawMs).toFixed(2)}x a raw write of the same bytes (${fmt(rawMs)} ms)`,
  );
  console.log(`machine: ${describeMachine()}`);
  printCommand(`npm run bench:snapshot -- ${HOSTS} ${RUNS}`);
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => rmSync(FOLDER, { recursive: true, force: true }));
