/*
 * http-ingest: single-sample POST /perf/:host req/s and p99 through the full ServerTrack
 * app (the `npm start` build) against, in the same run, a raw node:http server that parses
 * the same body (the runtime ceiling), a default Express 5 + body-parser route (the stack
 * as commonly used), and the full app served by the default app.listen() (what the
 * prototype fix is worth). Same requests for all: form bodies over 1,000 hosts.
 */
import { CAN_PIN } from './lib/cores';
import { LoadRequest, chooseLoadTool, describeLoad, runLoad } from './lib/load';
import { describeMachine, log, printCommand, printNote, printTable } from './lib/report';
import { CONNECTIONS, DURATION_SEC, ROUNDS, WARMUP_SEC, rotated } from './lib/rounds';
import { EXPRESS_DEFAULT, RAW_HTTP, SERVERTRACK, ServerSpec, startServer } from './lib/server-process';
import { formatNumber, formatRatio, median } from './lib/stats';
import { tsNodeArgs } from './lib/cores';

const HOST_COUNT = 1_000;
const SERVERTRACK_DEFAULT_LISTEN: ServerSpec = {
  name: 'ServerTrack, default app.listen()',
  nodeArgs: tsNodeArgs('bench/servers/servertrack-default-listen.ts'),
};
const SERVERS = [RAW_HTTP, EXPRESS_DEFAULT, SERVERTRACK, SERVERTRACK_DEFAULT_LISTEN];

function ingestRequests(): LoadRequest[] {
  return Array.from({ length: HOST_COUNT }, (_, i) => ({
    method: 'POST' as const,
    path: `/perf/host-${i}`,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `cpuload=${(i % 100) + 0.5}&memload=${(i * 7) % 100}`,
  }));
}

async function measure(spec: ServerSpec, requests: LoadRequest[]) {
  const tool = chooseLoadTool();
  const server = await startServer(spec);
  try {
    await runLoad(tool, { baseUrl: server.baseUrl, requests, connections: CONNECTIONS, durationSec: WARMUP_SEC });
    const result = await runLoad(tool, { baseUrl: server.baseUrl, requests, connections: CONNECTIONS, durationSec: DURATION_SEC });
    if (result.failures > 0) throw new Error(`${spec.name}: ${result.failures} failed requests`);
    return result;
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const tool = chooseLoadTool();
  const requests = ingestRequests();
  const perServer = new Map<ServerSpec, { rps: number[]; p99: number[] }>(SERVERS.map((s) => [s, { rps: [], p99: [] }]));
  const ratios = { raw: [] as number[], express: [] as number[], listen: [] as number[] };
  log(`http-ingest: ${ROUNDS} rounds x ${SERVERS.length} servers, ${DURATION_SEC} s each, ${tool}, pinned: ${CAN_PIN}`);
  for (let round = 0; round < ROUNDS; round++) {
    const rps = new Map<ServerSpec, number>();
    for (const spec of rotated(SERVERS, round)) {
      const result = await measure(spec, requests);
      perServer.get(spec)?.rps.push(result.requestsPerSec);
      perServer.get(spec)?.p99.push(result.p99Ms);
      rps.set(spec, result.requestsPerSec);
      log(`round ${round + 1}: ${spec.name} ${formatNumber(result.requestsPerSec)} req/s, p99 ${result.p99Ms.toFixed(2)} ms`);
    }
    const ours = rps.get(SERVERTRACK) ?? NaN;
    ratios.raw.push(ours / (rps.get(RAW_HTTP) ?? NaN));
    ratios.express.push(ours / (rps.get(EXPRESS_DEFAULT) ?? NaN));
    ratios.listen.push(ours / (rps.get(SERVERTRACK_DEFAULT_LISTEN) ?? NaN));
  }
  const rows = SERVERS.map((spec) => {
    const m = perServer.get(spec) ?? { rps: [], p99: [] };
    return [spec.name, formatNumber(median(m.rps)), median(m.p99).toFixed(2)];
  });
  printTable(
    `http-ingest: single-sample POST, ${CONNECTIONS} connections, ${HOST_COUNT} hosts (median of ${ROUNDS} rounds)`,
    ['server', 'req/s', 'p99 ms'],
    rows,
  );
  printTable(
    'http-ingest ratios (median of per-round ratios)',
    ['ratio', 'value', 'target'],
    [
      ['ServerTrack / raw node:http', formatRatio(median(ratios.raw)), '>= 0.5x'],
      ['ServerTrack / default Express + body-parser', formatRatio(median(ratios.express)), '>= 2.5x'],
      ['ServerTrack / same app on default app.listen()', formatRatio(median(ratios.listen)), '(prototype fix)'],
    ],
  );
  console.log(`machine: ${describeMachine()}`);
  printNote(`load: ${describeLoad(tool, CONNECTIONS, DURATION_SEC)}; server: taskset -c 0 node dist/server.js`);
  printCommand('npm run bench:http-ingest');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
