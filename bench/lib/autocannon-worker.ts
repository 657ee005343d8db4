/*
 * Runs one autocannon load from a spec file and prints the result as JSON. It runs as its
 * own process so it can be pinned to the load core, away from the server.
 */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { LoadResult, LoadSpec } from './load';

async function main(): Promise<void> {
  const spec = JSON.parse(readFileSync(process.argv[2], 'utf8')) as LoadSpec;
  const result = await autocannon({
    url: spec.baseUrl,
    connections: spec.connections,
    duration: spec.durationSec,
    timeout: 5,
    overallRate: spec.ratePerSec,
    requests: spec.requests.map((r) => ({ method: r.method, path: r.path, headers: r.headers, body: r.body })),
  });
  const summary: LoadResult = {
    requestsPerSec: result.requests.total / (result.duration || spec.durationSec),
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
  process.stdout.write(JSON.stringify(summary));
}

void main();
