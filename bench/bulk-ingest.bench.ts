/*
 * bulk-ingest: samples/s through POST /perf with 1k- and 10k-sample batches, NDJSON and
 * JSON, the server pinned to one core. Baseline, in the same run and the same server
 * build: single-sample POST /perf/:host, whose samples/s is its req/s.
 */
import { CAN_PIN } from './lib/cores';
import { LoadRequest, chooseLoadTool, describeLoad, runLoad } from './lib/load';
import { describeMachine, log, printCommand, printNote, printTable } from './lib/report';
import { CONNECTIONS, DURATION_SEC, ROUNDS, WARMUP_SEC, rotated } from './lib/rounds';
import { SERVERTRACK, startServer } from './lib/server-process';
import { formatNumber, formatRatio, median } from './lib/stats';

const HOST_COUNT = 10_000;
/** Distinct bodies each connection cycles through, so hosts and values vary. */
const BODIES_PER_CASE = 4;
/** Few connections: each request is a whole batch, and more would only queue. */
const BULK_CONNECTIONS = 4;

interface Case {
  name: string;
  batchSize: number;
  connections: number;
  requests: LoadRequest[];
}

function entry(k: number) {
  return { host: `host-${k % HOST_COUNT}`, cpuload: (k % 100) + 0.5, memload: (k * 7) % 100 };
}

function bulkCase(format: 'ndjson' | 'json', batchSize: number): Case {
  const requests = Array.from({ length: BODIES_PER_CASE }, (_, b) => {
    const entries = Array.from({ length: batchSize }, (_, i) => entry(b * batchSize + i));
    const body = format === 'json' ? JSON.stringify(entries) : entries.map((e) => JSON.stringify(e)).join('\n') + '\n';
    const contentType = format === 'json' ? 'application/json' : 'application/x-ndjson';
    return { method: 'POST' as const, path: '/perf', headers: { 'Content-Type': contentType }, body };
  });
  return {
    name: `POST /perf, ${format === 'json' ? 'JSON array' : 'NDJSON'}, ${formatNumber(batchSize)} samples`,
    batchSize,
    connections: BULK_CONNECTIONS,
    requests,
  };
}

const SINGLE: Case = {
  name: 'POST /perf/:host, one sample (baseline)',
  batchSize: 1,
  connections: CONNECTIONS,
  requests: Array.from({ length: 1_000 }, (_, i) => ({
    method: 'POST' as const,
    path: `/perf/host-${i}`,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `cpuload=${(i % 100) + 0.5}&memload=${(i * 7) % 100}`,
  })),
};

async function main(): Promise<void> {
  const tool = chooseLoadTool();
  const cases = [SINGLE, bulkCase('ndjson', 1_000), bulkCase('ndjson', 10_000), bulkCase('json', 1_000), bulkCase('json', 10_000)];
  const samplesPerSec = new Map<Case, number[]>(cases.map((c) => [c, []]));
  const p99 = new Map<Case, number[]>(cases.map((c) => [c, []]));
  const ratios = new Map<Case, number[]>(cases.map((c) => [c, []]));
  log(`bulk-ingest: ${ROUNDS} rounds x ${cases.length} cases, ${DURATION_SEC} s each, ${tool}, pinned: ${CAN_PIN}`);
  for (let round = 0; round < ROUNDS; round++) {
    const thisRound = new Map<Case, number>();
    // One server per round, fresh, so every case of the round meets the same store size.
    const server = await startServer(SERVERTRACK);
    try {
      for (const c of rotated(cases, round)) {
        const spec = { baseUrl: server.baseUrl, requests: c.requests, connections: c.connections };
        await runLoad(tool, { ...spec, durationSec: WARMUP_SEC });
        const result = await runLoad(tool, { ...spec, durationSec: DURATION_SEC });
        if (result.failures > 0) throw new Error(`${c.name}: ${result.failures} failed requests`);
        const rate = result.requestsPerSec * c.batchSize;
        thisRound.set(c, rate);
        samplesPerSec.get(c)?.push(rate);
        p99.get(c)?.push(result.p99Ms);
        log(`round ${round + 1}: ${c.name}: ${formatNumber(rate)} samples/s, p99 ${result.p99Ms.toFixed(2)} ms`);
      }
    } finally {
      await server.stop();
    }
    for (const c of cases) ratios.get(c)?.push((thisRound.get(c) ?? NaN) / (thisRound.get(SINGLE) ?? NaN));
  }
  const rows = cases.map((c) => [
    c.name,
    String(c.connections),
    formatNumber(median(samplesPerSec.get(c) ?? [])),
    median(p99.get(c) ?? []).toFixed(2),
    c === SINGLE ? '1.00x' : formatRatio(median(ratios.get(c) ?? [])),
  ]);
  printTable(
    `bulk-ingest: samples/s, server on one core (median of ${ROUNDS} rounds; target >= 1,000,000 with 10k batches)`,
    ['request', 'connections', 'samples/s', 'p99 ms per request', 'vs single-sample POST'],
    rows,
  );
  console.log(`machine: ${describeMachine()}`);
  printNote(`load: ${describeLoad(tool, BULK_CONNECTIONS, DURATION_SEC)}; server: taskset -c 0 node dist/server.js`);
  printCommand('npm run bench:bulk-ingest');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
